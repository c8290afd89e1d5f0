using System.Diagnostics;
using Npgsql;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own (started with scripts/lib/postgres.sh, as scripts/test.sh starts the
/// shared one), for tests that crash and restart the server: the shared one must stay up for the others.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string data;
    private readonly int port;
    private readonly string password = Guid.NewGuid().ToString("N");

    private PrivatePostgres(string data, int port)
    {
        this.data = data;
        this.port = port;
    }

    /// <summary>The server's own superuser-less login (the monitoring role), on its monitoring database.</summary>
    public string ServerConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "monitoring",
        Password = password,
        Database = "monitoring",
    }.ConnectionString;

    /// <summary>Creates and starts a throwaway server on a free port (initdb takes a few seconds).</summary>
    /// <exception cref="InvalidOperationException">The script failed (its output is in the message).</exception>
    public static async Task<PrivatePostgres> StartAsync()
    {
        // Under /tmp: the server runs as the postgres user when the tests run as root, and must reach its folder.
        var server = new PrivatePostgres(Path.Combine("/tmp", $"monitoring-test-pg-{Guid.NewGuid():N}"), FreePort.Next());
        await server.RunAsync($"pg_start '{server.data}' {server.port} '{server.password}' throwaway");
        return server;
    }

    /// <summary>Immediate shutdown: every connection is cut, as when the server crashes.</summary>
    public Task CrashAsync() => RunAsync($"pg_crash '{data}'");

    /// <summary>Starts the server again after <see cref="CrashAsync"/> (crash recovery runs first).</summary>
    public Task StartAgainAsync() => RunAsync($"pg_start '{data}' {port} '{password}' throwaway");

    /// <summary>Stops the server and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync($"pg_stop '{data}'");
        Directory.Delete(data, recursive: true);
    }

    private async Task RunAsync(string command)
    {
        var script = Path.Combine(RepositoryPaths.Root, "scripts", "lib", "postgres.sh");
        var info = new ProcessStartInfo("bash", ["-c", $"source '{script}' && {command}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}: {await output}{await errors}");
        }
    }
}
