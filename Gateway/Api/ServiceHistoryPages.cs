using System.Collections.Concurrent;
using System.Text.Json;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>
/// The JSON of services' first pages this gateway answered last, with the version the service grain gave it: the grain
/// is still asked on every find (it decides what is current and who may see it), but answers "unchanged" without the
/// page while the version holds, so a dashboard polling a quiet service costs neither the records' transfer nor their
/// serialization. Holds at most <see cref="Capacity"/> pages; past that it starts again empty.
/// </summary>
public sealed class ServiceHistoryPages
{
    /// <summary>Pages kept at most (a page is at most 100 records, tens of KB).</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<(long Service, int Limit, bool NewestFirst, long? Scope), (long Version, byte[] Json)> pages = new();

    /// <summary>
    /// The JSON of the page <paramref name="query"/> asks for (one <see cref="ServiceHistoryFind.TryMatch"/> accepted, for
    /// <paramref name="serviceId"/>), as <see cref="ApiJson"/> writes a <see cref="Page{T}"/> of records.
    /// </summary>
    public async Task<byte[]> FindAsync(IGrainFactory grains, long serviceId, bool newestFirst, FindQuery query, long? scopeClientId)
    {
        var key = (serviceId, query.Limit, newestFirst, scopeClientId);
        var known = pages.TryGetValue(key, out var kept) ? kept : (Version: -1L, Json: []);
        var answer = await grains.GetGrain<IServiceMonitorGrain>(serviceId).FindHistoryAsync(query, scopeClientId, known.Version);
        if (answer.Page is not { } page)
        {
            return known.Json;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(page, ApiJson.Context.PageStatusRecord);
        if (pages.Count >= Capacity)
        {
            pages.Clear();
        }

        pages[key] = (answer.Version, json);
        return json;
    }
}
