using System.Net.Sockets;
using Npgsql;

namespace Monitoring.Sql;

/// <summary>
/// Tells whether a database error means the connection itself failed (the server went away, restarted, or
/// refuses connections while it starts). After a PostgreSQL restart every idle pooled connection is as dead,
/// and each would fail once more before Npgsql drops it, so callers clear the pool on such an error.
/// SQLSTATE class 08 and 57P01-57P03 (admin or crash shutdown, cannot connect now), or an error below the
/// protocol (a socket closed). A timeout is not: a slow server is no reason to throw the pool away.
/// See https://www.postgresql.org/docs/current/errcodes-appendix.html.
/// </summary>
public static class BrokenConnections
{
    /// <summary>Whether <paramref name="ex"/> is a failed connection (see the type's remarks).</summary>
    public static bool IsBroken(Exception ex) => ex switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException { InnerException: TimeoutException } => false,
        NpgsqlException => true,
        IOException or SocketException => true,
        _ => false,
    };

    /// <summary>Clears <paramref name="dataSource"/>'s pool when <paramref name="ex"/> is a failed connection.</summary>
    public static void ClearPoolIfBroken(this NpgsqlDataSource dataSource, Exception ex)
    {
        if (IsBroken(ex))
        {
            dataSource.Clear();
        }
    }
}
