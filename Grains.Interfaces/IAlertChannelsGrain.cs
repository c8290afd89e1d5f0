using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Interfaces;

/// <summary>
/// Writes of alert-channels (a stateless worker: use key 0). A client-scoped caller creates, changes and removes only
/// its client's channels; shared channels (client_id null) are written only by keys that are not client-scoped.
/// </summary>
[Alias("monitoring.alert-channels")]
public interface IAlertChannelsGrain : IGrainWithIntegerKey
{
    [Alias("create")]
    Task<Outcome<AlertChannelRecord>> CreateAsync(AlertChannelFields fields, long? scopeClientId);

    [Alias("get")]
    Task<Outcome<AlertChannelRecord>> GetAsync(long id, long? scopeClientId);

    /// <summary>A patch, or with <paramref name="replace"/> a Feathers update (omitted fields take their defaults; the type stays).</summary>
    [Alias("change")]
    Task<Outcome<AlertChannelRecord>> ChangeAsync(long id, AlertChannelFields fields, bool replace, long? scopeClientId);

    /// <summary>Removes the channel from every service's alert_channel_ids, then deletes it with its deliveries.</summary>
    [Alias("remove")]
    Task<Outcome<AlertChannelRecord>> RemoveAsync(long id, long? scopeClientId);

    /// <summary>Queues a <c>test</c> delivery, attempts it at once and answers it as stored after that attempt.</summary>
    [Alias("test")]
    Task<Outcome<DeliveryRecord>> TestAsync(long id, long? scopeClientId);

    /// <summary>Re-encrypts the channel's secrets under the current key; true when any changed.</summary>
    [Alias("reencrypt")]
    Task<bool> ReencryptAsync(long id);
}
