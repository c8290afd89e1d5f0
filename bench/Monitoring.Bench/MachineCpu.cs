using System.Globalization;

namespace Monitoring.Bench;

/// <summary>
/// The whole machine's CPU between two readings of /proc/stat's first line (Linux): how much of it the processes used,
/// how much was idle, and how much the hypervisor gave to other guests while this one wanted to run ("steal"). On a
/// shared VM the steal is what tells a slow run of the same code from a busy host (proc(5): the eighth field).
/// </summary>
public readonly record struct MachineCpu(long Busy, long Idle, long Steal)
{
    /// <summary>The counters now, in clock ticks since boot.</summary>
    public static MachineCpu Read()
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return new MachineCpu(fields[0] + fields[1] + fields[2] + fields[5] + fields[6], fields[3] + fields[4], fields[7]);
    }

    /// <summary>Shares of the machine's time from <paramref name="before"/> to <paramref name="after"/>: busy, idle, stolen (0 to 1 each, summing to 1).</summary>
    public static Dictionary<string, object> Between(MachineCpu before, MachineCpu after)
    {
        var busy = after.Busy - before.Busy;
        var idle = after.Idle - before.Idle;
        var steal = after.Steal - before.Steal;
        double total = Math.Max(1, busy + idle + steal);
        return new Dictionary<string, object>
        {
            ["busy"] = Math.Round(busy / total, 3),
            ["idle"] = Math.Round(idle / total, 3),
            ["stolen"] = Math.Round(steal / total, 3),
        };
    }
}
