using Monitoring.Sql;
using Npgsql;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh database on the PostgreSQL server that scripts/test.sh started, dropped at the end.
/// Without that server the tests fail here, loudly: they never pass by skipping.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string ServerVariable = "MONITORING_TEST_DATABASE_URL";

    private readonly string serverConnectionString;
    private NpgsqlDataSource? dataSource;

    private TestDatabase(string name, string connectionString, string serverConnectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        this.serverConnectionString = serverConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string ServerConnectionString
    {
        get
        {
            var url = Environment.GetEnvironmentVariable(ServerVariable);
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new InvalidOperationException(
                    $"{ServerVariable} is not set: these tests need the PostgreSQL server that ./scripts/test.sh starts.");
            }

            return DatabaseUrl.ToConnectionString(url);
        }
    }

    public static Task<TestDatabase> CreateAsync(bool migrate = true) => CreateAsync(ServerConnectionString, migrate);

    /// <summary>A fresh database on the server <paramref name="serverConnectionString"/> points at (a test's own server).</summary>
    public static async Task<TestDatabase> CreateAsync(string serverConnectionString, bool migrate = true)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var name = $"mt_{Guid.NewGuid():N}"[..24];
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        server.Database = name;
        server.MaxPoolSize = 50;
        var database = new TestDatabase(name, server.ConnectionString, serverConnectionString);
        if (migrate)
        {
            await new MigrationRunner(database.ConnectionString).ApplyAsync();
        }

        return database;
    }

    /// <summary>A data source on this database, as the product's stores take one; disposed with the database.</summary>
    public NpgsqlDataSource DataSource => dataSource ??= NpgsqlDataSource.Create(ConnectionString);

    public NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                // An autovacuum worker (the superuser's) is in the database, and FORCE may not end it: it soon ends by itself.
                await Task.Delay(500);
            }
        }
    }
}
