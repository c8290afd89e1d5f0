using System.Collections.Frozen;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Monitoring.Grains.Maintenance;

/// <summary>
/// Every maintenance window, held in memory on each silo so that marking a result costs no query. It reloads
/// when the table changed (a cheap fingerprint read every <see cref="RefreshInterval"/>), and at once on the
/// silo that wrote a change; a change made through another silo therefore takes effect within that interval.
/// While PostgreSQL is away the windows last read stay in force.
/// </summary>
public sealed partial class MaintenanceCalendar(NpgsqlDataSource dataSource, ILogger<MaintenanceCalendar> logger) : BackgroundService
{
    /// <summary>How often each silo looks for changed windows: 2 s.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private volatile FrozenDictionary<long, MaintenanceRule[]> byClient = FrozenDictionary<long, MaintenanceRule[]>.Empty;
    private string? fingerprint;
    private readonly SemaphoreSlim reloading = new(1, 1);
    private bool failing;

    /// <summary>Whether a window of <paramref name="clientId"/> covers <paramref name="serviceId"/> at <paramref name="at"/>.</summary>
    public bool Covers(long clientId, long serviceId, DateTimeOffset at) =>
        byClient.TryGetValue(clientId, out var rules) && Array.Exists(rules, r => r.Covers(clientId, serviceId, at));

    /// <summary>Reads the windows again now (after a change written through this silo).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await reloading.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var current = await MaintenanceStore.FingerprintAsync(connection, cancellationToken);
            if (current == fingerprint)
            {
                return;
            }

            var rules = await MaintenanceStore.LoadRulesAsync(connection, cancellationToken);
            byClient = rules.GroupBy(r => r.ClientId).ToFrozenDictionary(g => g.Key, g => g.ToArray());
            fingerprint = current;
        }
        finally
        {
            reloading.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    LogRefreshFailed(logger, ex.Message);
                }

                failing = true;
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Maintenance windows could not be read; the ones read last stay in force: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
