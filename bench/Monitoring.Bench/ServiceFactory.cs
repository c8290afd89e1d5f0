using System.Net.Http.Json;
using System.Text.Json;

namespace Monitoring.Bench;

/// <summary>Creates services through the real API, many at a time.</summary>
public static class ServiceFactory
{
    public static async Task<List<(long Id, DateTimeOffset CreatedAt)>> CreateAsync(HttpClient http, string url, string cron, int count, int perClient = 1000)
    {
        var clients = new List<long>();
        for (var i = 0; i < (count + perClient - 1) / perClient; i++)
        {
            var response = await http.PostAsJsonAsync("/clients", new { name = $"bench-{Guid.NewGuid():N}" });
            clients.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }

        var created = new System.Collections.Concurrent.ConcurrentBag<(long, DateTimeOffset)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var response = await http.PostAsJsonAsync("/client-services", new
            {
                client_id = clients[i / perClient],
                name = $"svc-{i}",
                endpoint_url = url,
                cron_schedule = cron,
            }, ct);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"creating a service failed: {body}");
            }

            created.Add((body.GetProperty("id").GetInt64(), body.GetProperty("created_at").GetDateTimeOffset()));
        });
        return [.. created];
    }
}
