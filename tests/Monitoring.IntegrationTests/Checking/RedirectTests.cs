using System.Text;
using System.Text.Json;
using Monitoring.Grains.Checking;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>
/// Redirects, followed hop by hop by the checker: the final answer counts, methods change as browsers change them,
/// and credentials and custom headers go only to the endpoint's origin. Two servers on 127.0.0.1 are two origins.
/// </summary>
public sealed class RedirectTests(CheckerFixture fixture) : IClassFixture<CheckerFixture>, IAsyncLifetime
{
    private EchoTarget home = null!;
    private EchoTarget elsewhere = null!;

    public async Task InitializeAsync()
    {
        home = await EchoTarget.StartAsync();
        elsewhere = await EchoTarget.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await home.DisposeAsync();
        await elsewhere.DisposeAsync();
    }

    [Fact]
    public async Task Without_follow_redirects_the_redirect_itself_counts()
    {
        var observation = await fixture.ObserveAsync(Request(home.Redirect(302, "/echo")));

        var result = HealthClassifier.Classify(observation, 200, 2000, 5000);
        Assert.Equal((HealthStatus.Degraded, 302, "HTTP 302"), (result.Status, result.StatusCode, result.Error));
        Assert.Equal("/echo", observation.Headers!["location"]);
    }

    [Theory]
    [InlineData(301, "GET", "GET", "")]
    [InlineData(302, "GET", "GET", "")]
    [InlineData(307, "GET", "GET", "")]
    [InlineData(301, "POST", "GET", "")]
    [InlineData(302, "POST", "GET", "")]
    [InlineData(303, "POST", "GET", "")]
    [InlineData(307, "POST", "POST", "payload")]
    [InlineData(308, "POST", "POST", "payload")]
    public async Task With_follow_redirects_the_final_answer_counts_and_the_method_changes_as_it_should(int status, string method, string finalMethod, string finalBody)
    {
        var observation = await fixture.ObserveAsync(Request(home.Redirect(status, "/echo"), follow: true, method));

        var seen = Echoed(observation);
        Assert.Equal((finalMethod, finalBody), (seen.GetProperty("method").GetString(), seen.GetProperty("body").GetString()));
        Assert.Equal(HealthStatus.Up, HealthClassifier.Classify(observation, 200, 2000, 5000).Status);
    }

    [Theory]
    [InlineData("../echo")]
    [InlineData("echo")]
    [InlineData("/echo?from=redirect")]
    public async Task A_relative_location_resolves_against_the_current_url(string location)
    {
        var observation = await fixture.ObserveAsync(Request(home.Redirect(302, location), follow: true));

        Assert.Equal("GET", Echoed(observation).GetProperty("method").GetString());
    }

    [Fact]
    public async Task Credentials_and_custom_headers_stay_on_the_origin_of_the_endpoint()
    {
        var sameOrigin = Echoed(await fixture.ObserveAsync(Request(home.Redirect(307, home.Url("/echo")), follow: true, "POST")));
        var otherOrigin = Echoed(await fixture.ObserveAsync(Request(home.Redirect(307, elsewhere.Url("/echo")), follow: true, "POST")));

        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("monitor:s3cret"));
        Assert.Equal(basic, sameOrigin.GetProperty("authorization").GetString());
        Assert.Equal("abc", sameOrigin.GetProperty("headers").GetProperty("x-token").GetString());
        Assert.Equal(JsonValueKind.Null, otherOrigin.GetProperty("authorization").ValueKind);
        Assert.False(otherOrigin.GetProperty("headers").TryGetProperty("x-token", out _));

        // The body and its type follow a 307 wherever it leads.
        Assert.Equal(("payload", "application/json"), (otherOrigin.GetProperty("body").GetString(), otherOrigin.GetProperty("content_type").GetString()));
    }

    [Fact]
    public async Task A_user_agent_of_the_check_stays_on_its_origin_and_ours_goes_elsewhere()
    {
        var own = Request(home.Redirect(302, elsewhere.Url("/echo")), follow: true);
        own = own with { Headers = [.. own.Headers!, new("User-Agent", "probe/9")] };

        var otherOrigin = Echoed(await fixture.ObserveAsync(own));

        Assert.Equal("monitoring-health-check/1.0", otherOrigin.GetProperty("headers").GetProperty("user-agent").GetString());
        Assert.Equal(HttpHealthChecker.DefaultAccept, otherOrigin.GetProperty("headers").GetProperty("accept").GetString());
    }

    [Fact]
    public async Task Five_redirects_are_followed_and_a_sixth_answer_that_redirects_again_counts_as_it_is()
    {
        var five = await fixture.ObserveAsync(Request(home.Url("/chain/5"), follow: true));
        var six = await fixture.ObserveAsync(Request(home.Url("/chain/6"), follow: true));

        Assert.Equal(200, five.StatusCode);
        Assert.Equal((302, "/chain/0"), (six.StatusCode, six.Headers!["Location"]));
        Assert.Equal("HTTP 302", HealthClassifier.Classify(six, 200, 2000, 5000).Error);
    }

    [Fact]
    public async Task Every_hop_goes_through_the_deny_list_and_fails_as_a_first_hop_would()
    {
        var denied = await fixture.ObserveAsync(Request(home.Redirect(302, "http://169.254.169.254/latest/meta-data/"), follow: true));
        var refused = await fixture.ObserveAsync(Request(home.Redirect(302, $"http://127.0.0.1:{FreePort.Next()}/"), follow: true));

        Assert.Equal("address denied: 169.254.169.254 resolves to 169.254.169.254, which is in the denied network 169.254.0.0/16",
            HealthClassifier.Classify(denied, 200, 2000, 5000).Error);
        Assert.Equal("connection refused", HealthClassifier.Classify(refused, 200, 2000, 5000).Error);
    }

    [Fact]
    public async Task A_redirect_to_another_scheme_than_http_is_the_final_answer()
    {
        var observation = await fixture.ObserveAsync(Request(home.Redirect(302, "ftp://127.0.0.1/file"), follow: true));

        Assert.Equal(302, observation.StatusCode);
    }

    /// <summary>A check with Basic Auth and a custom header; a POST sends "payload" as JSON.</summary>
    private static HealthCheckRequest Request(string url, bool follow = false, string method = "GET") =>
        new(new Uri(url), new HttpMethod(method), TimeSpan.FromSeconds(5), "monitor", "s3cret", Body: method == "POST" ? "payload" : null,
            Headers: [new("X-Token", "abc"), new("Content-Type", "application/json")], FollowRedirects: follow);

    private static JsonElement Echoed(HttpObservation observation)
    {
        Assert.True(observation.StatusCode == 200, observation.ToString());
        return JsonDocument.Parse(Encoding.UTF8.GetString(observation.Body.Span)).RootElement.Clone();
    }
}
