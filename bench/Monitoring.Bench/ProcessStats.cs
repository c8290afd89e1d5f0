using System.Globalization;

namespace Monitoring.Bench;

/// <summary>CPU time and resident memory of processes, read from /proc (Linux).</summary>
public static class ProcessStats
{
    private const double TicksPerSecond = 100; // sysconf(_SC_CLK_TCK) on Linux

    /// <summary>User plus system CPU of the process, in milliseconds.</summary>
    public static double CpuMs(int pid) => Cpu(pid).CpuMs;

    /// <summary>
    /// When the process started (clock ticks after boot: with its pid, what tells it from a later process given the same
    /// pid, as Linux reuses them once pid_max, often 32,768, wraps) and its user plus system CPU in milliseconds.
    /// </summary>
    public static (long StartedAt, double CpuMs) Cpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the name: state is field 3; utime and stime are fields 14 and 15, starttime field 22.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (long.Parse(fields[19], CultureInfo.InvariantCulture), ticks * 1000 / TicksPerSecond);
    }

    public static long RssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:\t 7548788 kB", and with eight digits "VmRSS:\t10485760 kB": the tab is the separator, padding is optional.
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>The postmaster of a PostgreSQL data folder and every process it started.</summary>
    public static IReadOnlyList<int> PostgresProcesses(string dataFolder)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataFolder, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var pids = new List<int> { postmaster };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == postmaster)
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return pids;
    }

    /// <summary>
    /// What a PostgreSQL process does, from the title it sets (<c>postgres: autovacuum worker db</c>, <c>postgres: user db
    /// 127.0.0.1(port) idle</c>, <c>postgres: checkpointer</c>): "autovacuum" for autovacuum workers, "backends" for client
    /// connections, "other" for its background processes (checkpointer, WAL writer, ...); null when it
    /// cannot tell: exited, exiting (an empty title) or just forked (still the postmaster's command line).
    /// </summary>
    public static string? PostgresRole(int pid)
    {
        string title;
        try
        {
            title = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }

        if (!title.StartsWith("postgres: ", StringComparison.Ordinal))
        {
            return null;
        }

        if (title.Contains("autovacuum worker", StringComparison.Ordinal))
        {
            return "autovacuum";
        }

        // A client connection's title names its remote host with its port in parentheses; background processes' do not.
        return title.Contains('(') && title.Contains(')') ? "backends" : "other";
    }
}
