using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Grains.Services;

/// <summary>
/// The two ends of a service's history (its <see cref="Rows"/> oldest and newest results, and how many it has), kept
/// by its grain while someone reads them, so a dashboard's <c>GET /service-status?service_id=…</c> does not reach
/// PostgreSQL on every poll. Filled from SQL, then kept up to date with each result the grain commits; filled again
/// once <see cref="FreshFor"/> has passed, which bounds how long a change made elsewhere (retention pruning) goes
/// unseen. Orders as SQL does: (checked_at, id), both ascending or both descending.
/// </summary>
internal sealed class RecentHistory
{
    /// <summary>Results kept at each end: the largest page a find may ask for.</summary>
    public const int Rows = FindQuery.MaxLimit;

    /// <summary>How long a fill answers finds (changes this grain commits are seen at once).</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);

    private static readonly Comparison<StatusRecord> Ascending = (a, b) => a.CheckedAt != b.CheckedAt ? a.CheckedAt.CompareTo(b.CheckedAt) : a.Id.CompareTo(b.Id);

    private readonly List<StatusRecord> oldest;
    private readonly List<StatusRecord> newest;
    private readonly HashSet<long> counted;
    private readonly DateTimeOffset filledAt;
    private long total;

    /// <param name="total">The service's results when filled.</param>
    /// <param name="oldest">Its first <see cref="Rows"/> results, oldest first.</param>
    /// <param name="newest">Its last <see cref="Rows"/> results, newest first.</param>
    /// <param name="counted">Ids of results the fill already counted whose commit this grain may still be told of.</param>
    /// <param name="filledAt">When the fill was read.</param>
    public RecentHistory(long total, IReadOnlyList<StatusRecord> oldest, IReadOnlyList<StatusRecord> newest, IEnumerable<long> counted, DateTimeOffset filledAt)
    {
        this.total = total;
        this.oldest = [.. oldest];
        this.newest = [.. newest];
        this.counted = [.. counted];
        this.filledAt = filledAt;
    }

    public bool IsFresh(DateTimeOffset now) => now - filledAt < FreshFor;

    /// <summary>A result committed after the fill was read (one it already counted is ignored).</summary>
    public void Add(StatusRecord record)
    {
        if (!counted.Add(record.Id))
        {
            return;
        }

        total++;
        Insert(oldest, record, Ascending);
        Insert(newest, record, (a, b) => Ascending(b, a));
    }

    /// <summary>The page SQL would answer for a find <see cref="ServiceHistoryFind.TryMatch"/> accepted.</summary>
    public Page<StatusRecord> Answer(int limit, bool newestFirst) =>
        new(total, limit, 0, (newestFirst ? newest : oldest).Take(limit).ToList());

    // The list holds the first Rows in its order, or every result when there are fewer: a record belongs in it when
    // it sorts before its last, or when the list is not full.
    private static void Insert(List<StatusRecord> list, StatusRecord record, Comparison<StatusRecord> order)
    {
        if (list.Count >= Rows && order(record, list[^1]) >= 0)
        {
            return;
        }

        var at = list.FindIndex(r => order(record, r) < 0);
        list.Insert(at < 0 ? list.Count : at, record);
        if (list.Count > Rows)
        {
            list.RemoveAt(list.Count - 1);
        }
    }
}
