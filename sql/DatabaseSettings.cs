using Microsoft.Extensions.Configuration;

namespace Monitoring.Sql;

/// <summary>The database every process of the fleet shares, read from DATABASE_URL.</summary>
public sealed record DatabaseSettings(string ConnectionString)
{
    public const string Variable = "DATABASE_URL";

    public static DatabaseSettings Read(IConfiguration configuration)
    {
        var value = configuration[Variable];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SettingException(Variable, "is required (e.g. postgresql://user:password@localhost:5432/monitoring)");
        }

        try
        {
            return new DatabaseSettings(DatabaseUrl.ToConnectionString(value));
        }
        catch (FormatException ex)
        {
            throw new SettingException(Variable, $"is malformed: {ex.Message}");
        }
    }
}
