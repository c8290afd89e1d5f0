using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Grains.Services;

/// <summary>The first page of the service's history, oldest or newest first, from memory while someone reads it.</summary>
public sealed partial class ServiceMonitorGrain
{
    // Versions of the kept page: random high half per activation, so two activations never share one.
    private static readonly long VersionEpochStep = 1L << 32;
    private readonly long historyEpoch = Random.Shared.NextInt64(1, int.MaxValue) * VersionEpochStep;
    private long historyChanges;
    private RecentHistory? recentHistory;
    private Task<RecentHistory>? fillingHistory;
    private List<StatusRecord>? committedDuringFill;
    private bool historyForgotten;

    public async Task<HistoryAnswer> FindHistoryAsync(FindQuery query, long? scopeClientId, long knownVersion)
    {
        if (!ServiceHistoryFind.TryMatch(query, out var serviceId, out var newestFirst) || serviceId != Id)
        {
            throw new ArgumentException("Only a find of this service's first page is answered here", nameof(query));
        }

        if (config is null || !IsVisibleTo(scopeClientId))
        {
            // What SQL answers: a removed service has no rows left, and a key of another client sees none of them.
            return new HistoryAnswer(0, new Page<StatusRecord>(0, query.Limit, 0, []));
        }

        if (recentHistory is not { } history || !history.IsFresh(services.Time.GetUtcNow()))
        {
            // Finds that come while a fill is read wait for it rather than read again; a failed fill is not kept.
            var filling = fillingHistory ??= FillHistoryAsync();
            try
            {
                history = await filling;
            }
            finally
            {
                if (fillingHistory == filling)
                {
                    fillingHistory = null;
                }
            }
        }

        var version = historyEpoch + historyChanges;
        return new HistoryAnswer(version, version == knownVersion ? null : history.Answer(query.Limit, newestFirst));
    }

    private async Task<RecentHistory> FillHistoryAsync()
    {
        committedDuringFill = [];
        historyForgotten = false;
        try
        {
            var filledAt = services.Time.GetUtcNow();
            var (total, oldest, newest, recentIds) = await services.RecentHistory.ReadAsync(Id, RecentHistory.Rows);
            var history = new RecentHistory(total, oldest, newest, recentIds, filledAt);

            // Committed while the fill was read: counted by it or not, each is counted once (Add skips the ids it has).
            committedDuringFill.ForEach(history.Add);
            historyChanges++;

            // A result journaled meanwhile is stored later, unseen: this fill answers the finds that waited, no more.
            recentHistory = historyForgotten ? null : history;
            return history;
        }
        finally
        {
            committedDuringFill = null;
        }
    }

    /// <summary>A committed result, for the kept page (dropped at the first result after it went stale).</summary>
    private void RememberInHistory(StatusRecord record)
    {
        committedDuringFill?.Add(record);
        if (recentHistory is { } history)
        {
            if (history.IsFresh(services.Time.GetUtcNow()))
            {
                history.Add(record);
                historyChanges++;
            }
            else
            {
                recentHistory = null;
            }
        }
    }

    /// <summary>A result went to the journal: it is stored later, unseen here, so the kept page is filled again.</summary>
    private void ForgetHistory()
    {
        recentHistory = null;
        historyForgotten = true;
    }
}
