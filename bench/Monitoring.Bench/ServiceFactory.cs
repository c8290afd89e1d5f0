using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace Monitoring.Bench;

/// <summary>Creates services through the real API, many at a time.</summary>
public static class ServiceFactory
{
    /// <summary>Services of the default type (http) checking <paramref name="url"/>.</summary>
    public static async Task<List<(long Id, DateTimeOffset CreatedAt)>> CreateAsync(HttpClient http, string url, string cron, int count, int perClient = 1000)
    {
        var created = await CreateAsync(http, count, i => new() { ["name"] = $"svc-{i}", ["endpoint_url"] = url, ["cron_schedule"] = cron }, perClient: perClient);
        return created.Select(c => (c.GetProperty("id").GetInt64(), c.GetProperty("created_at").GetDateTimeOffset())).ToList();
    }

    /// <summary>Creates <paramref name="count"/> clients through the API, in order.</summary>
    public static async Task<List<long>> CreateClientsAsync(HttpClient http, int count)
    {
        var clients = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            var response = await http.PostAsJsonAsync("/clients", new { name = $"bench-{Guid.NewGuid():N}" });
            clients.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }

        return clients;
    }

    /// <summary>
    /// Creates <paramref name="count"/> services with the fields <paramref name="fields"/> gives for each index (the
    /// client is added here, <paramref name="perClient"/> services a client) and answers the records as the API returned
    /// them, in no particular order. <paramref name="onCreated"/> is called with each record as soon as it is created.
    /// </summary>
    public static async Task<List<JsonElement>> CreateAsync(
        HttpClient http, int count, Func<int, Dictionary<string, object?>> fields, Func<JsonElement, Task>? onCreated = null, int perClient = 1000)
    {
        var clients = await CreateClientsAsync(http, (count + perClient - 1) / perClient);

        var created = new ConcurrentBag<JsonElement>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var body = fields(i);
            body["client_id"] = clients[i / perClient];
            var response = await http.PostAsJsonAsync("/client-services", body, ct);
            var record = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"creating a service failed: {record}");
            }

            created.Add(record);
            if (onCreated is not null)
            {
                await onCreated(record);
            }
        });
        return [.. created];
    }
}
