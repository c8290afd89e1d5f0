using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Orleans.Concurrency;

namespace Monitoring.Grains.Maintenance;

/// <summary>
/// Writes maintenance windows, then refreshes this silo's <see cref="MaintenanceCalendar"/> at once (the others
/// notice within <see cref="MaintenanceCalendar.RefreshInterval"/>).
/// </summary>
[StatelessWorker]
public sealed class MaintenanceWindowsGrain(MaintenanceStore store, ClientOwnership ownership, MaintenanceCalendar calendar, FeedPublisher feed, TimeProvider time) : Grain, IMaintenanceWindowsGrain
{
    public async Task<Outcome<MaintenanceWindowRecord>> CreateAsync(MaintenanceWindowFields fields, long? scopeClientId)
    {
        if (ClientOwnership.ClientForCreate(fields.ClientId, scopeClientId, out var clientId) is { } notAllowed)
        {
            return notAllowed;
        }

        if (!MaintenanceValidator.TryApply(new MaintenanceWindowRow { ClientId = clientId }, fields, creating: true, out var draft, out var invalid))
        {
            return invalid!;
        }

        if (await ownership.ForeignServicesAsync(draft.ClientId, draft.ServiceIds) is { } foreign)
        {
            return foreign;
        }

        MaintenanceWindowRow inserted;
        try
        {
            inserted = await store.InsertAsync(draft);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.UnknownClient(clientId);
        }

        return await PublishAsync(FeedEventKind.WindowCreated, inserted);
    }

    public async Task<Outcome<MaintenanceWindowRecord>> GetAsync(long id, long? scopeClientId) =>
        await VisibleAsync(id, scopeClientId) is { } row ? Outcome<MaintenanceWindowRecord>.Ok(row.ToRecord(time.GetUtcNow())) : NotFound(id);

    public async Task<Outcome<MaintenanceWindowRecord>> ChangeAsync(long id, MaintenanceWindowFields fields, bool replace, long? scopeClientId)
    {
        if (await VisibleAsync(id, scopeClientId) is not { } current)
        {
            return NotFound(id);
        }

        if (fields.ClientId.IsSet && fields.ClientId.Value != current.ClientId)
        {
            return Failure.Invalid("client_id", "cannot be changed; create the window for the other client instead");
        }

        var start = replace ? new MaintenanceWindowRow { Id = current.Id, ClientId = current.ClientId, CreatedAt = current.CreatedAt } : current;
        if (!MaintenanceValidator.TryApply(start, fields, creating: replace, out var next, out var invalid))
        {
            return invalid!;
        }

        if (await ownership.ForeignServicesAsync(next.ClientId, next.ServiceIds) is { } foreign)
        {
            return foreign;
        }

        return await store.UpdateAsync(next) is { } updated ? await PublishAsync(FeedEventKind.WindowPatched, updated) : NotFound(id);
    }

    public async Task<Outcome<MaintenanceWindowRecord>> RemoveAsync(long id, long? scopeClientId)
    {
        if (await VisibleAsync(id, scopeClientId) is not { } current || !await store.DeleteAsync(id))
        {
            return NotFound(id);
        }

        return await PublishAsync(FeedEventKind.WindowRemoved, current);
    }

    private async Task<MaintenanceWindowRow?> VisibleAsync(long id, long? scopeClientId) =>
        await store.LoadAsync(id) is { } row && (scopeClientId is null || row.ClientId == scopeClientId) ? row : null;

    private async Task<Outcome<MaintenanceWindowRecord>> PublishAsync(FeedEventKind kind, MaintenanceWindowRow row)
    {
        try
        {
            await calendar.RefreshAsync();
        }
        catch (Exception)
        {
            // The calendar's own loop reads the change within its interval.
        }

        var record = row.ToRecord(time.GetUtcNow());
        feed.Publish(new FeedEvent(kind, Window: record));
        return Outcome<MaintenanceWindowRecord>.Ok(record);
    }

    private static Outcome<MaintenanceWindowRecord> NotFound(long id) => Failure.NotFound($"No record found for id '{id}'");
}
