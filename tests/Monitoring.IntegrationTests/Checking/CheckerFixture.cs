using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Grains;
using Monitoring.Grains.Checking;
using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.Sql;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>The silo's real checker (as AddMonitoringGrains wires it) and a real target server on 127.0.0.1.</summary>
public sealed class CheckerFixture : IAsyncLifetime
{
    private ServiceProvider services = null!;

    public TargetServer Target { get; private set; } = null!;

    public HttpHealthChecker Checker { get; private set; } = null!;

    public TcpHealthChecker TcpChecker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await TargetServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = InProcessFleet.EncryptionKey,
        }).Build();
        services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddMonitoringGrains(configuration, new DatabaseSettings("Host=127.0.0.1;Database=unused"))
            .BuildServiceProvider();
        Checker = services.GetRequiredService<HttpHealthChecker>();
        TcpChecker = services.GetRequiredService<TcpHealthChecker>();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await Target.DisposeAsync();
    }

    public async Task<CheckResult> CheckAsync(string url, int expected = 200, int? thresholdMs = 2000, int timeoutMs = 5000, string method = "GET", string? user = null, string? password = null)
    {
        var request = new HealthCheckRequest(new Uri(url), new HttpMethod(method), TimeSpan.FromMilliseconds(timeoutMs), user, password);
        var observation = await Checker.CheckAsync(request, CancellationToken.None);
        return HealthClassifier.Classify(observation, expected, thresholdMs, timeoutMs);
    }

    public Task<HttpObservation> ObserveAsync(HealthCheckRequest request) => Checker.CheckAsync(request, CancellationToken.None);

    public Task<HttpObservation> ObserveAsync(TcpCheckRequest request) => TcpChecker.CheckAsync(request, CancellationToken.None);
}
