using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Services;

/// <summary>What status pages and badges show of a service: answered from memory, so a busy page costs no query per service.</summary>
public sealed partial class ServiceMonitorGrain
{
    public async Task<ServiceSummary?> GetSummaryAsync()
    {
        if (config is not { } current)
        {
            DeactivateOnIdle();
            return null;
        }

        var now = services.Time.GetUtcNow();
        var (firstDay, days, hours24, hours168, days30, days90) = await uptime.SummarizeAsync(now);
        return new ServiceSummary
        {
            Id = current.Id,
            ClientId = current.ClientId,
            Name = current.Name,
            Public = current.Public,
            Enabled = current.Enabled,
            LastStatus = runtime.LastStatus,
            LastCheckedAt = runtime.LastCheckedAt,
            InMaintenance = services.Maintenance.Covers(current.ClientId, current.Id, now),
            FirstDay = firstDay,
            Days = days,
            Last24Hours = hours24,
            Last7Days = hours168,
            Last30Days = days30,
            Last90Days = days90,
            At = now,
        };
    }
}
