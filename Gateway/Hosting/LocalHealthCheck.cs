namespace Monitoring.Gateway.Hosting;

/// <summary>
/// <c>healthcheck</c>: exits 0 when the gateway process on this host answers /livez; for container health checks
/// (readiness, which needs a silo, is /readyz: a gateway waiting for silos must not be restarted for it).
/// </summary>
public static class LocalHealthCheck
{
    public static async Task<int> RunAsync()
    {
        var port = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } value ? value : "3030";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/livez");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (HttpRequestException)
        {
            return 1;
        }
    }
}
