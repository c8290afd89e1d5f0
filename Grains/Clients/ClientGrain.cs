using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Clients;

/// <summary>
/// One client. Service creates interleave with each other but not with the removal: removing marks the
/// client as going, waits for creates already under way, removes every service through its own grain,
/// then deletes the client together with any service that slipped in.
/// </summary>
public sealed class ClientGrain(ClientStore store, ServiceStore services, FeedPublisher feed, Fleet.ActivationPrefetch prefetch) : Grain, IClientGrain
{
    private const int ParallelRemovals = 16;

    private ClientRecord? client;
    private bool removing;
    private int creating;
    private TaskCompletionSource? createsDone;

    private long Id => this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => client = await store.LoadAsync(Id);

    public async Task<Outcome<ClientRecord>> GetAsync(long? scopeClientId) =>
        await IsVisibleToAsync(scopeClientId) ? Outcome<ClientRecord>.Ok(client!) : NotFound<ClientRecord>();

    public Task<Outcome<ClientRecord>> PatchAsync(ClientFields fields, long? scopeClientId) => ChangeAsync(fields, scopeClientId, replace: false);

    public Task<Outcome<ClientRecord>> ReplaceAsync(ClientFields fields, long? scopeClientId) => ChangeAsync(fields, scopeClientId, replace: true);

    private async Task<Outcome<ClientRecord>> ChangeAsync(ClientFields fields, long? scopeClientId, bool replace)
    {
        if (!await IsVisibleToAsync(scopeClientId))
        {
            return NotFound<ClientRecord>();
        }

        var start = replace ? client! with { Name = string.Empty, Description = null, ContactEmail = null } : client!;
        if (!ClientValidator.TryApply(start, fields, creating: replace, out var draft, out var invalid))
        {
            return invalid!;
        }

        if (await store.UpdateAsync(draft) is not { } updated)
        {
            client = null;
            return NotFound<ClientRecord>();
        }

        if (updated.Value is { } patched)
        {
            client = patched;
            feed.Publish(new FeedEvent(FeedEventKind.ClientPatched, Client: patched));
        }

        return updated;
    }

    public async Task<Outcome<ClientRecord>> RemoveAsync(long? scopeClientId)
    {
        if (!await IsVisibleToAsync(scopeClientId))
        {
            return NotFound<ClientRecord>();
        }

        var removed = client!;
        removing = true;
        if (creating > 0)
        {
            createsDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await createsDone.Task;
        }

        await RemoveServicesAsync(await store.ServiceIdsAsync(Id));
        var stragglers = await store.DeleteAsync(Id);
        foreach (var id in stragglers)
        {
            // Their rows went here, not through their grains: no activation may take what a sweep read before.
            prefetch.Withdraw(id);
        }

        await RemoveServicesAsync(stragglers);
        client = null;
        removing = false;
        feed.Publish(new FeedEvent(FeedEventKind.ClientRemoved, Client: removed));
        DeactivateOnIdle();
        return Outcome<ClientRecord>.Ok(removed);
    }

    public async Task<Outcome<ServiceRecord>> CreateServiceAsync(ServiceFields fields)
    {
        if (removing || !await IsVisibleToAsync(null))
        {
            return Failure.UnknownClient(Id);
        }

        creating++;
        try
        {
            var id = await services.ReserveIdAsync();
            return await GrainFactory.GetGrain<IServiceMonitorGrain>(id).CreateAsync(Id, fields);
        }
        finally
        {
            if (--creating == 0)
            {
                createsDone?.TrySetResult();
            }
        }
    }

    private async Task RemoveServicesAsync(IReadOnlyList<long> ids)
    {
        foreach (var chunk in ids.Chunk(ParallelRemovals))
        {
            await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IServiceMonitorGrain>(id).RemoveAsync(null)));
        }
    }

    /// <summary>
    /// Whether the client exists for this caller. A grain activated before its client was created (a GET of
    /// an id not yet used) looks again instead of answering from what it found then.
    /// </summary>
    private async Task<bool> IsVisibleToAsync(long? scopeClientId)
    {
        if (client is null && !removing)
        {
            client = await store.LoadAsync(Id);
        }

        return client is not null && (scopeClientId is null || scopeClientId == client.Id);
    }

    private Outcome<T> NotFound<T>() => Failure.NotFound($"No record found for id '{Id}'");
}
