using Monitoring.Grains.Credentials;
using Monitoring.Grains.Delivery;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Orleans.Concurrency;

namespace Monitoring.Grains.Alerting;

/// <summary>
/// Writes alert channels: validates, encrypts the secrets under the channel's id (reserved before the insert),
/// publishes the events (never with a secret), and tests a channel through this silo's dispatcher.
/// </summary>
[StatelessWorker]
public sealed class AlertChannelsGrain(
    ChannelStore store,
    DeliveryDispatcher dispatcher,
    CredentialProtector protector,
    FeedPublisher feed,
    SmtpConfiguration mail) : Grain, IAlertChannelsGrain
{
    private bool SmtpConfigured => mail.Settings is not null;

    public async Task<Outcome<AlertChannelRecord>> CreateAsync(AlertChannelFields fields, long? scopeClientId)
    {
        long? clientId = fields.ClientId.IsSet ? fields.ClientId.Value : scopeClientId;
        if (scopeClientId is { } scope && clientId != scope)
        {
            return clientId is null
                ? Failure.Forbidden("A key scoped to a client cannot create shared channels (client_id null)")
                : Failure.UnknownClient(clientId.Value);
        }

        var blank = new ChannelRow { ClientId = clientId };
        if (!ChannelValidator.TryApply(blank, fields, creating: true, SmtpConfigured, out var change, out var invalid))
        {
            return invalid!;
        }

        var id = await store.ReserveIdAsync();
        var row = Seal(change.Row with { Id = id }, change);
        if (await store.InsertAsync(row) is not { } inserted)
        {
            return Failure.UnknownClient(clientId!.Value);
        }

        var record = inserted.ToRecord();
        feed.Publish(new FeedEvent(FeedEventKind.ChannelCreated, Channel: record));
        return Outcome<AlertChannelRecord>.Ok(change.SecretGenerated ? record with { Secret = change.NewSecret } : record);
    }

    public async Task<Outcome<AlertChannelRecord>> GetAsync(long id, long? scopeClientId)
    {
        var row = await store.LoadAsync(id);
        if (row is null || (scopeClientId is { } scope && row.ClientId is { } owner && owner != scope))
        {
            return NotFound(id);
        }

        var record = row.ToRecord();
        return Outcome<AlertChannelRecord>.Ok(scopeClientId is not null && row.ClientId is null ? ChannelRow.Shared(record) : record);
    }

    public async Task<Outcome<AlertChannelRecord>> ChangeAsync(long id, AlertChannelFields fields, bool replace, long? scopeClientId)
    {
        var (current, refused) = await WritableAsync(id, scopeClientId);
        if (refused is not null)
        {
            return refused;
        }

        if (fields.ClientId.IsSet && fields.ClientId.Value != current.ClientId)
        {
            return Failure.Invalid("client_id", "cannot be changed; create the channel for the other client instead");
        }

        var start = replace
            ? new ChannelRow
            {
                Id = current.Id, ClientId = current.ClientId, Type = current.Type, CreatedAt = current.CreatedAt, SecretCiphertext = current.SecretCiphertext,
                Url = current.Type == ChannelTypes.PagerDuty ? ChannelTypes.PagerDutyEventsUrl : null,
            }
            : current;
        if (replace && !fields.Name.IsSet)
        {
            return Failure.Invalid("name", "is required");
        }

        if (replace && current.Type == ChannelTypes.Email && !fields.EmailTo.IsSet)
        {
            return Failure.Invalid("email_to", "is required: 1 to 20 e-mail addresses");
        }

        var typed = replace && !fields.Type.IsSet ? fields with { Type = current.Type } : fields;
        if (!ChannelValidator.TryApply(start, typed, creating: false, SmtpConfigured, out var change, out var invalid))
        {
            return invalid!;
        }

        if (replace && current.Type != ChannelTypes.Email && ChannelTypes.NeedsUrl(current.Type) && !fields.Url.IsSet)
        {
            return Failure.Invalid("url", "is required");
        }

        if (await store.UpdateAsync(Seal(change.Row, change)) is not { } updated)
        {
            return NotFound(id);
        }

        var record = updated.ToRecord();
        feed.Publish(new FeedEvent(FeedEventKind.ChannelPatched, Channel: record));
        return Outcome<AlertChannelRecord>.Ok(record);
    }

    public async Task<Outcome<AlertChannelRecord>> RemoveAsync(long id, long? scopeClientId)
    {
        var (current, refused) = await WritableAsync(id, scopeClientId);
        if (refused is not null)
        {
            return refused;
        }

        // Services first: a service never names a channel that is gone (a crash in between leaves the channel, not a dangling id).
        foreach (var chunk in (await store.ServicesUsingAsync(id)).Chunk(32))
        {
            await Task.WhenAll(chunk.Select(serviceId => GrainFactory.GetGrain<IServiceMonitorGrain>(serviceId).DropAlertChannelAsync(id)));
        }

        if (!await store.DeleteAsync(id))
        {
            return NotFound(id);
        }

        var record = current.ToRecord();
        feed.Publish(new FeedEvent(FeedEventKind.ChannelRemoved, Channel: record));
        return Outcome<AlertChannelRecord>.Ok(record);
    }

    public async Task<Outcome<DeliveryRecord>> TestAsync(long id, long? scopeClientId)
    {
        var row = await store.LoadAsync(id);
        if (row is null || (scopeClientId is { } scope && row.ClientId != scope))
        {
            return Failure.NotFound($"No record found for id '{id}'");
        }

        var attempted = await dispatcher.TestAsync(id, row.ClientId);
        return Outcome<DeliveryRecord>.Ok(attempted.ToRecord());
    }

    public async Task<bool> ReencryptAsync(long id)
    {
        if (await store.LoadAsync(id) is not { } row)
        {
            return false;
        }

        var url = Rotate(row.UrlCiphertext, ChannelRow.UrlContext(id), id);
        var secret = Rotate(row.SecretCiphertext, ChannelRow.SecretContext(id), id);
        if (url == row.UrlCiphertext && secret == row.SecretCiphertext)
        {
            return false;
        }

        return await store.UpdateAsync(row with { UrlCiphertext = url, SecretCiphertext = secret }) is not null;
    }

    private string? Rotate(string? stored, string context, long id) =>
        stored is null || protector.IsCurrent(stored) ? stored : protector.Protect(protector.Unprotect(stored, context, $"channel {id}"), context);

    private ChannelRow Seal(ChannelRow row, ChannelChange change) => row with
    {
        UrlCiphertext = change.NewSecretUrl is { } url ? protector.Protect(url, ChannelRow.UrlContext(row.Id))
            : ChannelTypes.UrlIsSecret(row.Type) ? row.UrlCiphertext : null,
        SecretCiphertext = change.NewSecret is { } secret ? protector.Protect(secret, ChannelRow.SecretContext(row.Id)) : row.SecretCiphertext,
    };

    /// <summary>
    /// The channel when this caller may change it (its client's own, or any for a key that is not client-scoped), else
    /// why not: a shared channel is a 403 for a scoped key, another client's channel a 404 like a missing one.
    /// </summary>
    private async Task<(ChannelRow Row, Failure? Refused)> WritableAsync(long id, long? scopeClientId)
    {
        var row = await store.LoadAsync(id);
        return row switch
        {
            null => (null!, Failure.NotFound($"No record found for id '{id}'")),
            _ when scopeClientId is null || row.ClientId == scopeClientId => (row, null),
            { ClientId: null } => (row, Failure.Forbidden("Shared channels are changed only with a key that is not scoped to a client")),
            _ => (row, Failure.NotFound($"No record found for id '{id}'")),
        };
    }

    private static Outcome<AlertChannelRecord> NotFound(long id) => Failure.NotFound($"No record found for id '{id}'");
}
