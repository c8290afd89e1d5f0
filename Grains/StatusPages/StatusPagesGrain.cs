using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;
using Orleans.Concurrency;

namespace Monitoring.Grains.StatusPages;

/// <summary>
/// Writes status pages, and gathers what a page shows: each service's summary from its grain (in parallel, from
/// memory) and the incidents of those services from one query.
/// </summary>
[StatelessWorker]
public sealed class StatusPagesGrain(StatusPageStore store, ClientOwnership ownership, FeedPublisher feed, TimeProvider time) : Grain, IStatusPagesGrain
{
    public async Task<Outcome<StatusPageRecord>> CreateAsync(StatusPageFields fields, long? scopeClientId)
    {
        if (ClientOwnership.ClientForCreate(fields.ClientId, scopeClientId, out var clientId) is { } notAllowed)
        {
            return notAllowed;
        }

        if (!StatusPageValidator.TryApply(new StatusPageRow { ClientId = clientId }, fields, creating: true, out var draft, out var invalid))
        {
            return invalid!;
        }

        if (await ownership.ForeignServicesAsync(draft.ClientId, draft.ServiceIds) is { } foreign)
        {
            return foreign;
        }

        try
        {
            return Publish(FeedEventKind.PageCreated, await store.InsertAsync(draft));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.UnknownClient(clientId);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SlugTaken(draft.Slug);
        }
    }

    public async Task<Outcome<StatusPageRecord>> GetAsync(long id, long? scopeClientId) =>
        await VisibleAsync(id, scopeClientId) is { } row ? Outcome<StatusPageRecord>.Ok(row.ToRecord()) : NotFound(id);

    public async Task<Outcome<StatusPageRecord>> ChangeAsync(long id, StatusPageFields fields, bool replace, long? scopeClientId)
    {
        if (await VisibleAsync(id, scopeClientId) is not { } current)
        {
            return NotFound(id);
        }

        if (fields.ClientId.IsSet && fields.ClientId.Value != current.ClientId)
        {
            return Failure.Invalid("client_id", "cannot be changed; create the page for the other client instead");
        }

        var start = replace ? new StatusPageRow { Id = current.Id, ClientId = current.ClientId, CreatedAt = current.CreatedAt } : current;
        if (!StatusPageValidator.TryApply(start, fields, creating: replace, out var next, out var invalid))
        {
            return invalid!;
        }

        if (await ownership.ForeignServicesAsync(next.ClientId, next.ServiceIds) is { } foreign)
        {
            return foreign;
        }

        try
        {
            return await store.UpdateAsync(next) is { } updated ? Publish(FeedEventKind.PagePatched, updated) : NotFound(id);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SlugTaken(next.Slug);
        }
    }

    public async Task<Outcome<StatusPageRecord>> RemoveAsync(long id, long? scopeClientId)
    {
        if (await VisibleAsync(id, scopeClientId) is not { } current || !await store.DeleteAsync(id))
        {
            return NotFound(id);
        }

        return Publish(FeedEventKind.PageRemoved, current);
    }

    public async Task<StatusPageView?> ViewAsync(string slug)
    {
        if (await store.LoadBySlugAsync(slug) is not { } page)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var summaries = await Task.WhenAll(page.ServiceIds.Select(id => GrainFactory.GetGrain<IServiceMonitorGrain>(id).GetSummaryAsync()));
        var shown = summaries.OfType<ServiceSummary>().Where(s => s.ClientId == page.ClientId).ToArray();
        var incidents = await store.IncidentsAsync(shown.Select(s => s.Id).ToArray(), now.AddDays(-StatusPageView.RecentDays));
        return new StatusPageView { Page = page.ToRecord(), Services = shown, Incidents = incidents, At = now };
    }

    private async Task<StatusPageRow?> VisibleAsync(long id, long? scopeClientId) =>
        await store.LoadAsync(id) is { } row && (scopeClientId is null || row.ClientId == scopeClientId) ? row : null;

    private Outcome<StatusPageRecord> Publish(FeedEventKind kind, StatusPageRow row)
    {
        var record = row.ToRecord();
        feed.Publish(new FeedEvent(kind, Page: record));
        return Outcome<StatusPageRecord>.Ok(record);
    }

    private static Failure SlugTaken(string slug) =>
        Failure.Conflict($"A status page with slug '{slug}' already exists", new Dictionary<string, string> { ["slug"] = "is taken" });

    private static Outcome<StatusPageRecord> NotFound(long id) => Failure.NotFound($"No record found for id '{id}'");
}
