using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Monitoring.Grains.History;

/// <summary>
/// Tells the two kinds of failure of a write apart. A row refusal (SQLSTATE class 22, data exception, or 23,
/// integrity, other than a duplicate key; or a value Npgsql cannot encode) is about the data: retrying the
/// same rows cannot help. Anything else from the connection (unreachable, restarting, read-only after a
/// failover, a revoked permission, a timeout) is about PostgreSQL: the rows wait in the journal and are
/// retried. See https://www.postgresql.org/docs/current/errcodes-appendix.html for the classes.
/// </summary>
public static class StoreErrors
{
    public static bool IsRowRefusal(Exception ex) => ex switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("22", StringComparison.Ordinal)
            || (postgres.SqlState.StartsWith("23", StringComparison.Ordinal) && postgres.SqlState != PostgresErrorCodes.UniqueViolation),
        EncoderFallbackException or InvalidCastException or ArgumentException => true,
        NpgsqlException { InnerException: { } inner } => inner is EncoderFallbackException or InvalidCastException or ArgumentException,
        _ => false,
    };

    public static bool IsDuplicate(Exception ex) => ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>A failure of PostgreSQL or the way to it, not of the rows.</summary>
    public static bool IsUnavailable(Exception ex) =>
        !IsRowRefusal(ex) && ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException or SocketException;

    public static string CodeOf(Exception ex) => ex is PostgresException postgres ? postgres.SqlState : ex.GetType().Name;
}
