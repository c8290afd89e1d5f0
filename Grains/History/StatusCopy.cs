using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Checking;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.History;

/// <summary>
/// Writes results to service_status with binary COPY. <see cref="CopyCarefullyAsync"/> keeps a batch whose
/// rows PostgreSQL partly refuses: inside the caller's transaction it halves the batch under savepoints until
/// the refused rows are found, stores each of them once more without the texts the target sent, and gives
/// up only on a row refused even then. So one odd answer costs a few extra round trips, never the batch.
/// </summary>
internal static class StatusCopy
{
    private const string Copy = """
        COPY service_status (id, service_id, client_id, status, status_code, response_time_ms, reported_status, error, details, trigger, checked_at, in_maintenance, tls_expires_at, condition_results)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>One COPY of every draft with its id (in the connection's current transaction, if any).</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<StatusDraft> drafts, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var result = draft.Result;
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(draft.ServiceId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(draft.ClientId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(result.Status.ToWire(), NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(importer, result.StatusCode, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(result.ResponseTimeMs, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(importer, result.ReportedStatus, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(importer, result.Error, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(importer, result.DetailsJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(draft.Trigger, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(draft.CheckedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(draft.InMaintenance, NpgsqlDbType.Boolean, cancellationToken);
            await WriteNullableAsync(importer, result.TlsExpiresAt?.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(importer, result.ConditionResultsJson, NpgsqlDbType.Jsonb, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Stores the drafts in <paramref name="transaction"/>, finding and handling refused rows. Answers, per draft,
    /// what was stored (the draft, or it without its texts), or null for a row refused even without them.
    /// </summary>
    public static async Task<StatusDraft?[]> CopyCarefullyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StatusDraft> drafts, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var stored = new StatusDraft?[drafts.Count];
        await StoreRangeAsync(connection, transaction, drafts, ids, 0, drafts.Count, stored, cancellationToken);
        return stored;
    }

    /// <summary>The result without the texts a target sent, with an error that says they were dropped.</summary>
    public static CheckResult WithoutTexts(CheckResult result, string code) =>
        result with { ReportedStatus = null, DetailsJson = null, Error = $"the answer's text could not be stored (PostgreSQL {code}); it was dropped" };

    private static async Task StoreRangeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StatusDraft> drafts, IReadOnlyList<long> ids,
        int from, int count, StatusDraft?[] stored, CancellationToken cancellationToken)
    {
        var slice = Slice(drafts, from, count);
        if (await TryCopyAsync(connection, transaction, slice, Slice(ids, from, count), cancellationToken) is not { } refusal)
        {
            slice.CopyTo(stored, from);
            return;
        }

        if (count > 1)
        {
            var half = count / 2;
            await StoreRangeAsync(connection, transaction, drafts, ids, from, half, stored, cancellationToken);
            await StoreRangeAsync(connection, transaction, drafts, ids, from + half, count - half, stored, cancellationToken);
            return;
        }

        var stripped = drafts[from] with { Result = WithoutTexts(drafts[from].Result, StoreErrors.CodeOf(refusal)) };
        if (await TryCopyAsync(connection, transaction, [stripped], [ids[from]], cancellationToken) is null)
        {
            stored[from] = stripped;
        }
    }

    /// <summary>One COPY under a savepoint; the refusal when PostgreSQL refused the rows (rolled back), else null.</summary>
    private static async Task<Exception?> TryCopyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StatusDraft[] drafts, long[] ids, CancellationToken cancellationToken)
    {
        await transaction.SaveAsync("rows", cancellationToken);
        try
        {
            await CopyAsync(connection, drafts, ids, cancellationToken);
            await transaction.ReleaseAsync("rows", cancellationToken);
            return null;
        }
        catch (Exception ex) when (StoreErrors.IsRowRefusal(ex))
        {
            await transaction.RollbackAsync("rows", cancellationToken);
            return ex;
        }
    }

    private static T[] Slice<T>(IReadOnlyList<T> items, int from, int count)
    {
        var slice = new T[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = items[from + i];
        }

        return slice;
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
