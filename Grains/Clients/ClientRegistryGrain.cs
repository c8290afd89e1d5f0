using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Orleans.Concurrency;

namespace Monitoring.Grains.Clients;

/// <summary>Creates clients; PostgreSQL assigns the id, after which the client's own grain owns the row.</summary>
[StatelessWorker]
public sealed class ClientRegistryGrain(ClientStore store, FeedPublisher feed) : Grain, IClientRegistryGrain
{
    public async Task<Outcome<ClientRecord>> CreateAsync(ClientFields fields)
    {
        var blank = new ClientRecord(0, string.Empty, null, null, default, default);
        if (!ClientValidator.TryApply(blank, fields, creating: true, out var draft, out var invalid))
        {
            return invalid!;
        }

        var created = await store.InsertAsync(draft);
        if (created.Value is { } client)
        {
            feed.Publish(new FeedEvent(FeedEventKind.ClientCreated, Client: client));
        }

        return created;
    }
}
