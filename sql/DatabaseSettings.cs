using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Monitoring.Sql;

/// <summary>The database every process of the fleet shares, read from DATABASE_URL.</summary>
/// <remarks>
/// Each process opens at most <c>Database:MaxPoolSize</c> connections per pool (default
/// <see cref="DefaultMaxPoolSize"/>; a silo has two pools, Orleans' and its own, and its result writer a small one
/// besides) unless DATABASE_URL names a pool size: Npgsql's default of 100 per pool lets three silos activating
/// grains at once (a rolling restart) exhaust PostgreSQL's connection slots (53300), failing the activations
/// instead of queueing them.
/// </remarks>
public sealed record DatabaseSettings(string ConnectionString)
{
    public const string Variable = "DATABASE_URL";

    /// <summary>Connections per pool when neither DATABASE_URL nor <c>Database:MaxPoolSize</c> says otherwise.</summary>
    public const int DefaultMaxPoolSize = 20;


    /// <summary>Reads DATABASE_URL (and Database:MaxPoolSize).</summary>
    /// <exception cref="SettingException">DATABASE_URL is missing or malformed, or Database:MaxPoolSize is not a number from 1 to 1000.</exception>
    public static DatabaseSettings Read(IConfiguration configuration)
    {
        var value = configuration[Variable];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SettingException(Variable, "is required (e.g. postgresql://user:password@localhost:5432/monitoring)");
        }

        string connectionString;
        try
        {
            connectionString = DatabaseUrl.ToConnectionString(value);
        }
        catch (FormatException ex)
        {
            throw new SettingException(Variable, $"is malformed: {ex.Message}");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var poolSize = ReadPoolSize(configuration["Database:MaxPoolSize"]);
        if (!NamesPoolSize(Uri.UnescapeDataString(value)))
        {
            builder.MaxPoolSize = poolSize;
            builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        }

        return new DatabaseSettings(builder.ConnectionString);
    }

    /// <summary>
    /// Lets Npgsql prepare server-side the statements that recur on a pooled connection (at most
    /// <paramref name="statements"/> per connection, each from its second use), unless the connection string set a
    /// Max Auto Prepare above 0 itself: a silo's pools repeat a small set of statements, and each unprepared one is
    /// planned anew.
    /// </summary>
    public static void PrepareRecurring(NpgsqlConnectionStringBuilder pool, int statements)
    {
        if (pool.MaxAutoPrepare == 0)
        {
            pool.MaxAutoPrepare = statements;
            pool.AutoPrepareMinUsages = 2;
        }
    }

    /// <summary>Whether the URL or connection string sets the pool size itself (any of Npgsql's spellings).</summary>
    private static bool NamesPoolSize(string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, @"max(imum)?\s*pool\s*size\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static int ReadPoolSize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultMaxPoolSize;
        }

        return int.TryParse(value, out var size) && size is > 0 and <= 1000
            ? size
            : throw new SettingException("Database__MaxPoolSize", $"must be a whole number from 1 to 1000, not '{value}'");
    }
}
