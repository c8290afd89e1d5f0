using System.Text;
using System.Text.Json;
using Monitoring.Grains.Checking;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>POST bodies, request headers and response headers, against a real server on 127.0.0.1 that echoes the request.</summary>
public sealed class RequestExtrasTests(CheckerFixture fixture) : IClassFixture<CheckerFixture>, IAsyncLifetime
{
    private EchoTarget echo = null!;

    public async Task InitializeAsync() => echo = await EchoTarget.StartAsync();

    public async Task DisposeAsync() => await echo.DisposeAsync();

    [Fact]
    public async Task A_post_sends_its_body_as_is_with_the_content_type_and_headers_given()
    {
        var request = Request(echo.Url("/echo"), HttpMethod.Post, body: """{"probe":"é"}""",
            headers: [new("Content-Type", "application/json"), new("X-Token", "abc 123"), new("Content-Language", "de")]);

        var observation = await fixture.ObserveAsync(request);

        var seen = Echoed(observation);
        Assert.Equal(200, observation.StatusCode);
        Assert.Equal("POST", seen.GetProperty("method").GetString());
        Assert.Equal("""{"probe":"é"}""", seen.GetProperty("body").GetString());
        Assert.Equal("application/json", seen.GetProperty("content_type").GetString());
        Assert.Equal("abc 123", seen.GetProperty("headers").GetProperty("x-token").GetString());
        Assert.Equal("de", seen.GetProperty("headers").GetProperty("content-language").GetString());
    }

    [Fact]
    public async Task A_body_without_a_content_type_header_is_utf8_text()
    {
        var observation = await fixture.ObserveAsync(Request(echo.Url("/echo"), HttpMethod.Post, body: "ping"));

        var seen = Echoed(observation);
        Assert.Equal(("ping", HealthCheckRequest.DefaultContentType), (seen.GetProperty("body").GetString(), seen.GetProperty("content_type").GetString()));
    }

    [Fact]
    public async Task A_user_agent_or_accept_header_given_replaces_ours()
    {
        var custom = Echoed(await fixture.ObserveAsync(Request(echo.Url("/echo"), headers: [new("User-Agent", "probe/2"), new("Accept", "text/plain")])));
        var plain = Echoed(await fixture.ObserveAsync(Request(echo.Url("/echo"))));

        Assert.Equal(("probe/2", "text/plain"), (custom.GetProperty("headers").GetProperty("user-agent").GetString(), custom.GetProperty("headers").GetProperty("accept").GetString()));
        Assert.Equal("monitoring-health-check/1.0", plain.GetProperty("headers").GetProperty("user-agent").GetString());
        Assert.Equal(HttpHealthChecker.DefaultAccept, plain.GetProperty("headers").GetProperty("accept").GetString());
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("content_type").ValueKind);
    }

    [Fact]
    public async Task The_response_and_content_headers_are_kept_with_names_case_insensitive_and_values_joined()
    {
        var observation = await fixture.ObserveAsync(Request(echo.Url("/echo")));

        Assert.NotNull(observation.Headers);
        Assert.Equal("yes", observation.Headers["x-echo"]);
        Assert.Equal("a, b", observation.Headers["X-MULTI"]);
        Assert.StartsWith("application/json", observation.Headers["Content-Type"]);
        Assert.Null(observation.CertificateNotAfter);
    }

    [Fact]
    public async Task A_user_agent_given_in_any_case_replaces_ours_and_an_empty_accept_leaves_ours()
    {
        var seen = Echoed(await fixture.ObserveAsync(Request(echo.Url("/echo"), headers: [new("user-agent", "probe/3"), new("accept", " , ")])));

        Assert.Equal(("probe/3", HttpHealthChecker.DefaultAccept), (seen.GetProperty("headers").GetProperty("user-agent").GetString(), seen.GetProperty("headers").GetProperty("accept").GetString()));
    }

    [Fact]
    public async Task A_check_that_does_not_capture_headers_has_none_but_its_status_and_body()
    {
        var observation = await fixture.ObserveAsync(Request(echo.Url("/echo")) with { CaptureHeaders = false });

        Assert.Null(observation.Headers);
        Assert.Equal("GET", Echoed(observation).GetProperty("method").GetString());
    }

    private static HealthCheckRequest Request(string url, HttpMethod? method = null, string? body = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null) =>
        new(new Uri(url), method ?? HttpMethod.Get, TimeSpan.FromSeconds(5), Body: body, Headers: headers);

    private static JsonElement Echoed(HttpObservation observation)
    {
        Assert.True(observation.StatusCode == 200, observation.ToString());
        return JsonDocument.Parse(Encoding.UTF8.GetString(observation.Body.Span)).RootElement.Clone();
    }
}
