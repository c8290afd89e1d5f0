using System.Net;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>A password set through the API never comes back out: not from any table, response or log line.</summary>
[Collection(ApiCollection.Name)]
public sealed class SecretsTests(ApiFixture fixture)
{
    private readonly HttpClient http = fixture.Http;

    [Fact]
    public async Task No_table_response_or_log_line_holds_the_plaintext()
    {
        var first = $"first-{Guid.NewGuid():N}";
        var second = $"second-{Guid.NewGuid():N}";
        var client = await http.CreateClientAsync();
        var created = await http.CreateServiceAsync(client, fixture.Target.Url("/hit/secret-check"), new { basic_auth_username = "u", basic_auth_password = first, cron_schedule = "* * * * * *" });
        var id = created.GetProperty("id").GetInt64();
        var patched = await http.PatchJsonAsync($"/client-services/{id}", new { basic_auth_password = second, name = "renamed" });
        var check = await http.PostJsonAsync($"/client-services/{id}/check", null);
        var bad = await http.PatchJsonAsync($"/client-services/{id}", new { basic_auth_password = second + new string('x', 2000) });
        var responses = new[]
        {
            created.ToString(), patched.Body.ToString(), check.Body.ToString(), bad.Body.ToString(),
            (await http.GetJsonAsync($"/client-services/{id}")).Body.ToString(),
            (await http.GetJsonAsync($"/client-services?client_id={client}")).Body.ToString(),
            (await http.GetJsonAsync($"/service-status?service_id={id}")).Body.ToString(),
        };

        // The check really used the password (it reached the target as Basic Auth).
        Assert.Contains("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"u:{second}")), fixture.Target.Authorizations);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);

        foreach (var secret in new[] { first, second })
        {
            Assert.All(responses, body => Assert.DoesNotContain(secret, body));
            Assert.DoesNotContain(fixture.Fleet.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            var tables = await fixture.Database.ScalarAsync<string[]>(
                "SELECT array_agg(table_name::text) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
            foreach (var table in tables)
            {
                Assert.Equal(0L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\" t WHERE t::text LIKE '%' || $1 || '%'", secret));
            }

            Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM orleansstorage WHERE position(convert_to($1, 'UTF8') in coalesce(payloadbinary, ''::bytea)) > 0", secret));
        }

        var stored = await fixture.Database.ScalarAsync<string>("SELECT basic_auth_password FROM client_services WHERE id = $1", id);
        Assert.StartsWith("v1:", stored);
    }
}
