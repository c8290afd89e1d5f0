namespace Monitoring.Bench;

/// <summary>
/// CPU used by groups of processes over a window, sampled every 250 ms per process: PostgreSQL starts and
/// ends worker processes during a run, and a process that has exited can no longer be read, so only what it
/// used since its last sample is lost (instead of its whole history making the total go backwards).
/// </summary>
public sealed class CpuSampler : IAsyncDisposable
{
    private readonly Func<Dictionary<string, IReadOnlyList<int>>> groups;
    private readonly Dictionary<(string Group, int Pid, long StartedAt), double> lastSeen = [];
    private readonly Dictionary<string, double> used = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public CpuSampler(Func<Dictionary<string, IReadOnlyList<int>>> groups)
    {
        this.groups = groups;
        Sample(countNew: false);
        loop = RunAsync();
    }

    /// <summary>Stops sampling and answers the CPU milliseconds each group used since the sampler started.</summary>
    public async Task<Dictionary<string, double>> StopAsync()
    {
        await stop.CancelAsync();
        await loop;
        Sample(countNew: true);
        return new Dictionary<string, double>(used);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(250, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Sample(countNew: true);
        }
    }

    private void Sample(bool countNew)
    {
        foreach (var (group, pids) in groups())
        {
            used.TryAdd(group, 0);
            foreach (var pid in pids)
            {
                (long StartedAt, double CpuMs) now;
                try
                {
                    now = ProcessStats.Cpu(pid);
                }
                catch (IOException)
                {
                    continue;
                }

                var key = (group, pid, now.StartedAt);
                var before = lastSeen.TryGetValue(key, out var seen) ? seen : countNew ? 0 : now.CpuMs;
                used[group] += now.CpuMs - before;
                lastSeen[key] = now.CpuMs;
            }
        }
    }
}
