using Monitoring.Sql;

namespace Monitoring.Silo;

/// <summary><c>migrate</c>: applies the schema in sql/migrations to DATABASE_URL's database.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var database = DatabaseSettings.Read(configuration);
        var applied = await new MigrationRunner(database.ConnectionString).ApplyAsync(Console.WriteLine);
        Console.WriteLine(applied.Count == 0
            ? $"database is up to date (migration {Migration.LatestVersion})"
            : $"applied {applied.Count} migration(s); database is at migration {Migration.LatestVersion}");
        return 0;
    }
}
