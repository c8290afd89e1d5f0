using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Monitoring.IntegrationTests.Checking;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Monitors;

/// <summary>
/// TCP and TLS checks, certificate expiry, HTTP extras and conditions end to end: created through the API, checked by the
/// service's grain against real servers on 127.0.0.1 (certificates made in the test), stored and read back.
/// </summary>
public sealed class MonitorChecksTests(MonitorsFixture fixture) : IClassFixture<MonitorsFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task A_tcp_service_is_up_when_the_port_accepts_and_down_when_it_refuses()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var client = await Http.CreateClientAsync();

        var open = await CheckAsync(await CreateAsync(client, new { type = "tcp", endpoint_url = $"tcp://127.0.0.1:{port}" }));
        Assert.Equal("up", open.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("status_code").ValueKind);
        Assert.Equal(JsonValueKind.Null, open.GetProperty("tls_expires_at").ValueKind);

        listener.Stop();
        var closed = await CheckAsync(await CreateAsync(client, new { type = "tcp", endpoint_url = $"tcp://127.0.0.1:{port}" }));
        Assert.Equal("down", closed.GetProperty("status").GetString());
        Assert.Equal("connection refused", closed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_tls_service_reads_the_certificate_and_warns_before_it_expires()
    {
        using var certificate = TestCertificates.SelfSigned(DateTimeOffset.UtcNow.AddDays(5).AddHours(1));
        await using var server = await EchoTarget.StartAsync(certificate);
        var port = new Uri(server.BaseUrl).Port;
        var notAfter = TestCertificates.NotAfterOf(certificate).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var client = await Http.CreateClientAsync();

        var unverified = await CreateAsync(client, new { type = "tcp", endpoint_url = $"tls://127.0.0.1:{port}", tls_verify = false });
        var warned = await CheckAsync(unverified);
        Assert.Equal("degraded", warned.GetProperty("status").GetString());
        Assert.Equal($"TLS certificate expires in 5 days ({notAfter})", warned.GetProperty("error").GetString());
        Assert.Equal(notAfter, warned.GetProperty("tls_expires_at").GetString());
        var (_, record) = await Http.GetJsonAsync($"/client-services/{unverified}");
        Assert.Equal(notAfter, record.GetProperty("tls_expires_at").GetString());

        var relaxed = await CheckAsync(await CreateAsync(client, new { type = "tcp", endpoint_url = $"tls://127.0.0.1:{port}", tls_verify = false, tls_expiry_days = 3 }));
        Assert.Equal("up", relaxed.GetProperty("status").GetString());

        var never = await CheckAsync(await CreateAsync(client, new { type = "tcp", endpoint_url = $"tls://127.0.0.1:{port}", tls_verify = false, tls_expiry_days = (int?)null }));
        Assert.Equal("up", never.GetProperty("status").GetString());
        Assert.Equal(notAfter, never.GetProperty("tls_expires_at").GetString());

        var verified = await CheckAsync(await CreateAsync(client, new { type = "tcp", endpoint_url = $"tls://127.0.0.1:{port}" }));
        Assert.Equal("down", verified.GetProperty("status").GetString());
        Assert.StartsWith("TLS handshake failed", verified.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_https_check_reports_the_certificate_on_every_answer_and_evaluates_conditions()
    {
        using var certificate = TestCertificates.SelfSigned(DateTimeOffset.UtcNow.AddDays(30));
        await using var server = await EchoTarget.StartAsync(certificate);
        var client = await Http.CreateClientAsync();
        var id = await CreateAsync(client, new
        {
            endpoint_url = server.Url("/echo"),
            tls_verify = false,
            method = "POST",
            request_body = "hello",
            request_headers = new Dictionary<string, string> { ["X-Request-Source"] = "monitor" },
            conditions = new[]
            {
                "[STATUS] == any(200, 204)", "[BODY].status == ok", "[BODY].body == hello", "[BODY].headers.x-request-source == monitor",
                "[HEADER].Content-Type == pat(application/json*)", "[CERTIFICATE_EXPIRATION] > 240h", "[RESPONSE_TIME] < 5000",
            },
        });

        // Two checks: the second rides the pooled connection, and still reports the certificate.
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var result = await CheckAsync(id);
            Assert.True(result.GetProperty("status").GetString() == "up", result.ToString());
            Assert.NotEqual(JsonValueKind.Null, result.GetProperty("tls_expires_at").ValueKind);
            var outcomes = result.GetProperty("condition_results").EnumerateArray().ToArray();
            Assert.Equal(7, outcomes.Length);
            Assert.All(outcomes, o => Assert.True(o.GetProperty("success").GetBoolean(), o.ToString()));
            Assert.Equal("[STATUS] == any(200, 204)", outcomes[0].GetProperty("condition").GetString());
        }

        var (status, _) = await Http.PatchJsonAsync($"/client-services/{id}", new { conditions = new[] { "[STATUS] == 200", "[BODY].method == GET", "has([BODY].errors) == false" } });
        Assert.Equal(HttpStatusCode.OK, status);
        var failed = await CheckAsync(id);
        Assert.Equal("down", failed.GetProperty("status").GetString());
        Assert.Equal("condition failed: [BODY].method == GET (got POST)", failed.GetProperty("error").GetString());
        Assert.Equal([true, false, true], failed.GetProperty("condition_results").EnumerateArray().Select(o => o.GetProperty("success").GetBoolean()).ToArray());
    }

    [Fact]
    public async Task Without_an_answer_every_condition_fails_and_the_transport_error_stays()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var id = await CreateAsync(await Http.CreateClientAsync(), new { endpoint_url = $"http://127.0.0.1:{port}/", conditions = new[] { "[CONNECTED] == false", "[STATUS] == 200" } });

        var result = await CheckAsync(id);

        Assert.Equal("down", result.GetProperty("status").GetString());
        Assert.Equal("connection refused", result.GetProperty("error").GetString());
        Assert.All(result.GetProperty("condition_results").EnumerateArray(), o => Assert.False(o.GetProperty("success").GetBoolean()));
    }

    [Fact]
    public async Task Redirects_are_followed_only_when_asked()
    {
        await using var server = await EchoTarget.StartAsync();
        var client = await Http.CreateClientAsync();

        var stays = await CheckAsync(await CreateAsync(client, new { endpoint_url = server.Url("/chain/2") }));
        Assert.Equal(302, stays.GetProperty("status_code").GetInt32());
        Assert.Equal("degraded", stays.GetProperty("status").GetString());

        var follows = await CheckAsync(await CreateAsync(client, new { endpoint_url = server.Url("/chain/2"), follow_redirects = true }));
        Assert.Equal(200, follows.GetProperty("status_code").GetInt32());
        Assert.Equal("up", follows.GetProperty("status").GetString());
    }

    private async Task<long> CreateAsync(long client, object fields)
    {
        var body = new Dictionary<string, object?> { ["cron_schedule"] = MonitorsFixture.Yearly };
        var service = await Http.CreateServiceAsync(client, fields.GetType().GetProperty("endpoint_url")!.GetValue(fields)!.ToString()!, Merge(body, fields));
        return service.GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> CheckAsync(long id)
    {
        var (status, result) = await Http.PostJsonAsync($"/client-services/{id}/check", null);
        Assert.True(status == HttpStatusCode.Created, result.ToString());
        return result;
    }

    private static Dictionary<string, object?> Merge(Dictionary<string, object?> body, object fields)
    {
        foreach (var property in JsonSerializer.SerializeToElement(fields).EnumerateObject())
        {
            body[property.Name] = property.Value;
        }

        return body;
    }
}
