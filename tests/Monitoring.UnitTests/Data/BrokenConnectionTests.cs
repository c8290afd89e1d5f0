using System.Net.Sockets;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.UnitTests.Data;

public sealed class BrokenConnectionTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { Postgres(PostgresErrorCodes.AdminShutdown), true },
        { Postgres(PostgresErrorCodes.CrashShutdown), true },
        { Postgres(PostgresErrorCodes.CannotConnectNow), true },
        { Postgres("08006"), true },
        { Postgres("08001"), true },
        { new NpgsqlException("Exception while reading from stream", new IOException("connection reset")), true },
        { new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { new IOException("broken pipe"), true },
        { new NpgsqlException("Exception while reading from stream", new TimeoutException("timeout")), false },
        { new TimeoutException("pool exhausted"), false },
        { Postgres(PostgresErrorCodes.UniqueViolation), false },
        { Postgres("22021"), false },
        { Postgres(PostgresErrorCodes.TooManyConnections), false },
        { Postgres(PostgresErrorCodes.ReadOnlySqlTransaction), false },
        { new InvalidOperationException("not a database error"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Only_a_failed_connection_clears_the_pool(Exception error, bool broken) =>
        Assert.Equal(broken, BrokenConnections.IsBroken(error));

    private static PostgresException Postgres(string sqlState) => new("test", "FATAL", "FATAL", sqlState);
}
