using System.Net;
using System.Text;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>Random and malformed query strings and bodies: always an answer below 500, never a stack trace.</summary>
[Collection(ApiCollection.Name)]
public sealed class FuzzTests(ApiFixture fixture)
{
    private static readonly string[] Keys = ["name", "id", "client_id", "status", "checked_at", "$limit", "$skip", "$sort", "$select", "$or", "$and", "enabled", "last_status", "x", "", "$in"];
    private static readonly string[] Operators = ["$in", "$nin", "$lt", "$lte", "$gt", "$gte", "$ne", "$eq", "$like", "", "0", "[]", "$or"];
    private static readonly string[] Values = ["1", "-1", "0", "", "null", "true", "abc", "2026-11-27T10:00:00.000Z", "9999999999999999999999", "%00", "'; DROP TABLE clients; --", "\u00e9\u00e8", "[", "]", "up", "1e5", "NaN"];
    private static readonly string[] Paths = ["/clients", "/client-services", "/service-status", "/uptime-stats"];

    [Fact]
    public async Task Random_query_strings_never_get_a_server_error()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 400; i++)
        {
            var query = string.Join('&', Enumerable.Range(0, random.Next(1, 5)).Select(_ => RandomParameter(random)));
            var path = Paths[random.Next(Paths.Length)];

            using var response = await fixture.Http.GetAsync($"{path}?{query}");

            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{path}?{query} answered {(int)response.StatusCode}: {body}");
            Assert.DoesNotContain("   at ", body);
        }

        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename = 'clients'"));
    }

    [Fact]
    public async Task Random_bodies_never_get_a_server_error()
    {
        var random = new Random(1127);
        var client = await fixture.Http.CreateClientAsync();
        var service = (await fixture.Http.CreateServiceAsync(client, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();
        string[] fields = ["name", "client_id", "endpoint_url", "method", "timeout_ms", "expected_status_code", "degraded_threshold_ms", "cron_schedule", "cron_timezone", "enabled", "basic_auth_password", "description", "contact_email", "id"];
        string[] jsonValues = ["null", "0", "-1", "1.5", "1e400", "\"\"", "\"x\"", "true", "[]", "{}", "\"http://127.0.0.1:1/\"", "\"*/5 * * * *\"", "\"UTC\"", "99999999999999999999", "\"\\u0000\""];
        for (var i = 0; i < 300; i++)
        {
            string body;
            if (random.Next(4) == 0)
            {
                var bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
                body = Encoding.Latin1.GetString(bytes);
            }
            else
            {
                body = "{" + string.Join(',', Enumerable.Range(0, random.Next(0, 6)).Select(_ => $"\"{fields[random.Next(fields.Length)]}\":{jsonValues[random.Next(jsonValues.Length)]}")) + "}";
            }

            var (method, path) = random.Next(4) switch
            {
                0 => (HttpMethod.Post, "/clients"),
                1 => (HttpMethod.Post, "/client-services"),
                2 => (HttpMethod.Patch, $"/client-services/{service}"),
                _ => (HttpMethod.Patch, $"/clients/{client}"),
            };

            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await fixture.Http.SendAsync(request);

            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{method} {path} {body} answered {(int)response.StatusCode}: {text}");
        }
    }

    private static string RandomParameter(Random random)
    {
        var key = Keys[random.Next(Keys.Length)];
        var depth = random.Next(0, 3);
        for (var d = 0; d < depth; d++)
        {
            key += $"[{Operators[random.Next(Operators.Length)]}]";
        }

        if (random.Next(8) == 0)
        {
            key += "[";
        }

        return Uri.EscapeDataString(key).Replace("%5B", "[").Replace("%5D", "]") + "=" + Uri.EscapeDataString(Values[random.Next(Values.Length)]);
    }
}
