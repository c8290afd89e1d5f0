using System.Diagnostics;

namespace Monitoring.Bench;

/// <summary>
/// Stops and starts the benchmark's own PostgreSQL (the one scripts/bench.sh started in PGDATA), with the
/// options it was started with (from postmaster.opts), as the user that owns the data folder.
/// </summary>
public sealed class PostgresControl(string pgData)
{
    private readonly string[] startedWith = File.ReadAllText(Path.Combine(pgData, "postmaster.opts"))
        .Split('"', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(part => part.Length > 0)
        .ToArray();

    /// <summary>An outage as abrupt as a crash: every connection is cut, new ones are refused.</summary>
    public Task StopAsync() => PgCtlAsync("-D", pgData, "-m", "immediate", "-w", "stop");

    public Task StartAsync()
    {
        // postmaster.opts: the postgres binary, then "-D" "<dir>", then the options to pass again.
        var options = string.Join(' ', startedWith.Skip(3).Select(o => o.Contains(' ') ? $"\"{o}\"" : o));
        return PgCtlAsync("-D", pgData, "-l", Path.Combine(pgData, "server.log"), "-o", options, "-w", "-t", "60", "start");
    }

    private async Task PgCtlAsync(params string[] arguments)
    {
        var pgCtl = Path.Combine(Path.GetDirectoryName(startedWith[0])!, "pg_ctl");
        var info = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, .. arguments])
            : new ProcessStartInfo(pgCtl, arguments);
        info.RedirectStandardOutput = true;
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} exited with {process.ExitCode}");
        }
    }
}
