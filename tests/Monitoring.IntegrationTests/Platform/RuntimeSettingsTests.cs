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
    public void The_silo_runs_the_workstation_concurrent_collector_that_compacts_a_fragmented_old_generation()
    {
        Assert.False(ConfigProperty("silo", "System.GC.Server").GetBoolean());
        Assert.True(ConfigProperty("silo", "System.GC.Concurrent").GetBoolean());
        Assert.Equal(5, ConfigProperty("silo", "System.GC.ConserveMemory").GetInt32());
    }

    private static JsonElement ConfigProperty(string host, string name)
    {
        var dll = host == "silo" ? RepositoryPaths.SiloDll : RepositoryPaths.GatewayDll;
        var path = Path.ChangeExtension(dll, ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty(name, out var value), $"{Path.GetFileName(path)} has no {name}");
        return value.Clone();
    }
}
