using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>
/// The runtime settings the silo and the gateway are built with (their <c>runtimeconfig.json</c>, the files the process
/// tests and <c>scripts/run.sh</c> start): the costs they remove are measured in docs/PERFORMANCE.md, not asserted here.
/// </summary>
public sealed class RuntimeSettingsTests
{
    public static TheoryData<string> Hosts => new() { "silo", "gateway" };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Idle_thread_pool_workers_block_instead_of_spinning(string host)
    {
        // Spinning idle workers took 56 % of a 100,000-service silo's CPU samples (perf, issue 16).
        Assert.Equal(0, ConfigProperty(host, "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    [Fact]
    public void The_silo_runs_the_server_concurrent_collector_without_forced_compactions()
    {
        // The workstation collector's background collections sometimes ran blocking (a new background thread not started
        // in time, dotnet/runtime#13238): 5-s stops every few minutes at a million services.
        Assert.True(ConfigProperty("silo", "System.GC.Server").GetBoolean());
        Assert.True(ConfigProperty("silo", "System.GC.Concurrent").GetBoolean());

        // ConserveMemory's compactions stopped a 300,000-service silo for 2.3 s and a million-service start-up for 11.8 s.
        Assert.False(ConfigProperties("silo").TryGetProperty("System.GC.ConserveMemory", out _));
    }

    private static JsonElement ConfigProperty(string host, string name)
    {
        Assert.True(ConfigProperties(host).TryGetProperty(name, out var value), $"the {host}'s runtimeconfig.json has no {name}");
        return value;
    }

    private static JsonElement ConfigProperties(string host)
    {
        var dll = host == "silo" ? RepositoryPaths.SiloDll : RepositoryPaths.GatewayDll;
        using var document = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(dll, ".runtimeconfig.json")));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
