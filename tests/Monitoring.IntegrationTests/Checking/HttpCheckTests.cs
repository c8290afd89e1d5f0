using System.Text;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>Checks against real HTTP servers on 127.0.0.1, classified by the contract's rules.</summary>
public sealed class HttpCheckTests(CheckerFixture fixture) : IClassFixture<CheckerFixture>
{
    private TargetServer Target => fixture.Target;

    [Theory]
    [InlineData(200, "{\"status\":\"healthy\"}", "up", null, "healthy")]
    [InlineData(200, "{\"status\":\"OK\"}", "up", null, "OK")]
    [InlineData(200, "{\"status\":\"pass\",\"checks\":{\"db\":\"up\"}}", "up", null, "pass")]
    [InlineData(503, "{\"status\":\"healthy\"}", "down", "HTTP 503", "healthy")]
    [InlineData(500, null, "down", "HTTP 500", null)]
    [InlineData(429, null, "degraded", "HTTP 429", null)]
    [InlineData(404, null, "degraded", "HTTP 404", null)]
    [InlineData(204, null, "degraded", "HTTP 204", null)]
    [InlineData(200, "{\"status\":\"warn\"}", "degraded", "reported status: warn", "warn")]
    [InlineData(200, "{\"status\":\"Unhealthy\",\"message\":\"Database connection failed\"}", "down", "reported status: Unhealthy (Database connection failed)", "Unhealthy")]
    [InlineData(200, "{\"status\":\"ok\",\"checks\":{\"db\":{\"status\":\"fail\",\"message\":\"refused\"}}}", "degraded", "dependency db reports a problem (refused)", "ok")]
    [InlineData(200, "{\"status\":\"ok\",\"services\":[{\"name\":\"cache\",\"status\":\"degraded\"}]}", "degraded", "dependency cache reports a problem", "ok")]
    [InlineData(200, "{\"dependencies\":{\"queue\":\"critical\"}}", "degraded", "dependency queue reports a problem", null)]
    [InlineData(200, "{\"uptime\":12}", "up", null, null)]
    [InlineData(200, "<html>fine</html>", "up", null, null)]
    [InlineData(200, "{\"status\": not json", "up", null, null)]
    public async Task Classifies_what_the_target_answers(int status, string? body, string expected, string? error, string? reported)
    {
        var result = await fixture.CheckAsync(Target.Reply(status, body));

        Assert.Equal(expected, result.Status.ToWire());
        Assert.Equal(status, result.StatusCode);
        Assert.Equal(error, result.Error);
        Assert.Equal(reported, result.ReportedStatus);
    }

    [Fact]
    public async Task Keeps_the_checks_object_as_details()
    {
        var result = await fixture.CheckAsync(Target.Reply(200, "{\"status\":\"ok\",\"checks\":{\"db\":{\"status\":\"up\",\"latency\":3}}}"));

        Assert.Equal("{\"db\":{\"status\":\"up\",\"latency\":3}}", result.DetailsJson);
    }

    [Fact]
    public async Task A_slow_answer_is_degraded_and_no_threshold_means_never()
    {
        var slow = await fixture.CheckAsync(Target.Reply(200, "{\"status\":\"ok\"}", delayMs: 300), thresholdMs: 100);
        var unbounded = await fixture.CheckAsync(Target.Reply(200, "{\"status\":\"ok\"}", delayMs: 300), thresholdMs: null);

        // The target's 300 ms timer may fire a few milliseconds early on a busy machine.
        Assert.True(slow is { Status: HealthStatus.Degraded, ResponseTimeMs: >= 290 } && slow.Error!.StartsWith("slow response: ", StringComparison.Ordinal), slow.ToString());
        Assert.True(unbounded is { Status: HealthStatus.Up, ResponseTimeMs: >= 290 }, unbounded.ToString());
    }

    [Fact]
    public async Task A_hanging_target_is_down_after_the_timeout()
    {
        var result = await fixture.CheckAsync(Target.Url("/hang"), timeoutMs: 300);

        Assert.Equal("down", result.Status.ToWire());
        Assert.Null(result.StatusCode);
        Assert.Equal("timeout after 300 ms", result.Error);
        Assert.True(result.ResponseTimeMs >= 300);
    }

    [Fact]
    public async Task A_refused_connection_is_down()
    {
        var result = await fixture.CheckAsync($"http://127.0.0.1:{FreePort.Next()}/health");

        Assert.Equal(("down", "connection refused"), (result.Status.ToWire(), result.Error));
        Assert.Null(result.StatusCode);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_down()
    {
        var result = await fixture.CheckAsync("http://monitoring-test.invalid/health");

        Assert.Equal("down", result.Status.ToWire());
        Assert.StartsWith("DNS lookup failed", result.Error);
    }

    [Fact]
    public async Task A_tls_failure_is_down()
    {
        var result = await fixture.CheckAsync(Target.BaseUrl.Replace("http://", "https://") + "/reply?status=200");

        Assert.Equal("down", result.Status.ToWire());
        Assert.StartsWith("TLS handshake failed", result.Error);
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        var result = await fixture.CheckAsync(Target.Url("/redirect"));

        Assert.Equal(("degraded", 302), (result.Status.ToWire(), result.StatusCode));
    }

    [Fact]
    public async Task Only_the_first_64_KiB_of_a_huge_body_are_read()
    {
        // The body starts with {"status":"down", ... and is 2 MiB long: cut at 64 KiB it is not JSON any more.
        var result = await fixture.CheckAsync(Target.Url("/huge"));

        Assert.Equal(("up", 200), (result.Status.ToWire(), result.StatusCode));
        Assert.Null(result.ReportedStatus);
    }

    [Fact]
    public async Task Basic_auth_and_head_are_sent()
    {
        var key = Guid.NewGuid().ToString("N");

        var result = await fixture.CheckAsync(Target.Url($"/hit/{key}"), method: "HEAD", user: "monitor", password: "s3cret:with-colon");

        Assert.Equal("up", result.Status.ToWire());
        Assert.Equal(1, Target.Hits(key));
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("monitor:s3cret:with-colon"));
        Assert.Contains(expected, Target.Authorizations);
    }

    [Fact]
    public async Task A_thousand_hanging_targets_do_not_hold_up_another_check()
    {
        var hanging = Enumerable.Range(0, 1000).Select(_ => fixture.CheckAsync(Target.Url("/hang"), timeoutMs: 20_000)).ToList();
        await Task.Delay(200);

        var healthy = await fixture.CheckAsync(Target.Reply(200, "{\"status\":\"ok\"}"));

        Assert.Equal("up", healthy.Status.ToWire());
        Assert.All(hanging, task => Assert.False(task.IsCompleted));
    }
}
