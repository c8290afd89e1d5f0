using Monitoring.Grains.Services;
using Orleans.Storage;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// The grain storage of <see cref="StorageNames.Uptime"/>: Orleans' ADO.NET storage (<paramref name="table"/>), except that
/// a service grain's state read at activation is served from what a sweep read for it (<see cref="ActivationPrefetch.TryServeState"/>)
/// when there is such a read. Orleans reads a grain's persistent state before the activation runs, one query per grain:
/// after a crash a million activations made a million of them (issue 16). Writes and clears, and every read with no
/// prefetched state, go to <paramref name="table"/> as they are.
/// </summary>
public sealed class PrefetchedGrainStorage(IGrainStorage table, ActivationPrefetch prefetch) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        if (grainState is IGrainState<ServiceMonitorState> monitor && stateName == StorageNames.MonitorState
            && grainId.TryGetIntegerKey(out var serviceId, out var extension) && extension is null
            && prefetch.TryServeState(serviceId, out var read))
        {
            // As Orleans' ADO.NET storage sets them after a read (AdoNetGrainStorage.ReadStateAsync).
            monitor.State = read.State;
            monitor.ETag = read.ETag;
            monitor.RecordExists = read.RecordExists;
            return Task.CompletedTask;
        }

        return table.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        table.WriteStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        table.WriteStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        table.ClearStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        table.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
}
