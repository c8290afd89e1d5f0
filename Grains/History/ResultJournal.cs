using Monitoring.Grains.Interfaces.Models;
using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Grains.Checking;

namespace Monitoring.Grains.History;

/// <summary>
/// Results that PostgreSQL could not take yet, kept on local disk so a silo that stops or dies keeps them.
/// One file per segment (a batch of results): written to a temporary name, flushed to disk, then renamed,
/// so a segment is either whole or absent. Its name carries an order number and a unique id; the id is
/// recorded in <c>status_journal_replays</c> in the transaction that stores the segment's rows, which
/// makes a replay after a crash between that commit and the file's deletion a no-op (exactly once).
/// The folder belongs to one silo at a time (an exclusive lock file); its size is bounded.
/// </summary>
public sealed class ResultJournal : IDisposable
{
    private const string Extension = ".results";
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly string folder;
    private readonly long maxBytes;
    private readonly FileStream lockFile;
    private long sequence;
    private long bytes;

    /// <summary>Opens (creating) the journal folder and takes its lock; throws IOException when another process holds it.</summary>
    public ResultJournal(string folder, long maxBytes)
    {
        this.folder = folder;
        this.maxBytes = maxBytes;
        Directory.CreateDirectory(folder);
        lockFile = new FileStream(Path.Combine(folder, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        foreach (var stale in Directory.EnumerateFiles(folder, "*.tmp"))
        {
            File.Delete(stale);
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*" + Extension))
        {
            if (TryParseName(file) is { } name)
            {
                bytes += new FileInfo(file).Length;
                sequence = Math.Max(sequence, name.Sequence);
            }
            else
            {
                MoveAside(file);
            }
        }
    }

    public string Folder => folder;

    /// <summary>Bytes the journal's segments take on disk.</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>Writes a segment durably. Returns null when it would pass the size bound (nothing is written then).</summary>
    public async Task<JournalSegment?> AppendAsync(IReadOnlyList<StatusDraft> drafts, IReadOnlyList<long>? ids, CancellationToken cancellationToken)
    {
        var entries = drafts.Select((d, i) => JournalEntry.From(d, ids?[i])).ToArray();
        var content = JsonSerializer.SerializeToUtf8Bytes(entries, Json);
        if (Bytes + content.Length > maxBytes)
        {
            return null;
        }

        var segment = new JournalSegment(Guid.NewGuid(), Interlocked.Increment(ref sequence), drafts, ids);
        var path = PathOf(segment);
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(content, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path);
        Interlocked.Add(ref bytes, content.Length);
        return segment;
    }

    /// <summary>The segments on disk, oldest first (those a previous run of this silo left).</summary>
    public IReadOnlyList<JournalSegment> LoadAll()
    {
        var segments = new List<JournalSegment>();
        foreach (var file in Directory.EnumerateFiles(folder, "*" + Extension))
        {
            try
            {
                var (order, id) = TryParseName(file) ?? throw new InvalidDataException("not a journal segment's name");
                var entries = JsonSerializer.Deserialize<JournalEntry[]>(File.ReadAllBytes(file), Json) ?? [];
                var ids = entries.Length > 0 && entries.All(e => e.Id is not null) ? entries.Select(e => e.Id!.Value).ToArray() : null;
                segments.Add(new JournalSegment(id, order, entries.Select(e => e.ToDraft()).ToArray(), ids));
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException or ArgumentException)
            {
                // A damaged file must not keep the silo from starting: it goes aside, for an operator to look at.
                var length = new FileInfo(file).Length;
                MoveAside(file);
                Interlocked.Add(ref bytes, -length);
            }
        }

        return segments.OrderBy(s => s.Sequence).ToList();
    }

    /// <summary>Deletes a segment once its rows are committed.</summary>
    public void Remove(JournalSegment segment)
    {
        var file = new FileInfo(PathOf(segment));
        if (file.Exists)
        {
            var length = file.Length;
            file.Delete();
            Interlocked.Add(ref bytes, -length);
        }
    }

    /// <summary>Moves a segment PostgreSQL refused into the "rejected" folder, for an operator to look at.</summary>
    public void SetAside(JournalSegment segment)
    {
        var file = new FileInfo(PathOf(segment));
        if (file.Exists)
        {
            var length = file.Length;
            MoveAside(file.FullName);
            Interlocked.Add(ref bytes, -length);
        }
    }

    private void MoveAside(string path)
    {
        var rejected = Directory.CreateDirectory(Path.Combine(folder, "rejected"));
        File.Move(path, Path.Combine(rejected.FullName, Path.GetFileName(path)), overwrite: true);
    }

    public void Dispose() => lockFile.Dispose();

    private string PathOf(JournalSegment segment) => Path.Combine(folder, $"{segment.Sequence:D12}-{segment.Id:N}{Extension}");

    private static (long Sequence, Guid Id)? TryParseName(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var dash = name.IndexOf('-');
        return dash > 0
            && long.TryParse(name[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            && Guid.TryParseExact(name[(dash + 1)..], "N", out var id)
            ? (sequence, id)
            : null;
    }

    private sealed record JournalEntry(
        long? Id, long ServiceId, long ClientId, string Status, int? StatusCode, int ResponseTimeMs,
        string? ReportedStatus, string? Error, string? Details, string Trigger, DateTimeOffset CheckedAt, bool InMaintenance = false,
        DateTimeOffset? TlsExpiresAt = null, string? ConditionResults = null)
    {
        public static JournalEntry From(StatusDraft draft, long? id) => new(
            id, draft.ServiceId, draft.ClientId, draft.Result.Status.ToWire(), draft.Result.StatusCode, draft.Result.ResponseTimeMs,
            draft.Result.ReportedStatus, draft.Result.Error, draft.Result.DetailsJson, draft.Trigger, draft.CheckedAt, draft.InMaintenance,
            draft.Result.TlsExpiresAt, draft.Result.ConditionResultsJson);

        public StatusDraft ToDraft() => new(
            ServiceId, ClientId, new CheckResult(HealthStatusNames.FromWire(Status), StatusCode, ResponseTimeMs, ReportedStatus, Error, Details)
            {
                TlsExpiresAt = TlsExpiresAt,
                ConditionResultsJson = ConditionResults,
            }, Trigger, CheckedAt, InMaintenance);
    }
}

/// <summary>One journal file: its unique id, its order, its results and, when they were reserved before the outage, their ids.</summary>
public sealed record JournalSegment(Guid Id, long Sequence, IReadOnlyList<StatusDraft> Drafts, IReadOnlyList<long>? Ids);
