using Monitoring.Silo;
using Monitoring.Sql;
using Npgsql;

var command = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('=')) ?? "run";
try
{
    return command switch
    {
        "run" => await RunAsync(args),
        "migrate" => await MigrateCommand.RunAsync(args),
        "health" => await HealthCommand.RunAsync(args),
        "reencrypt-credentials" => await ReencryptCommand.RunAsync(args),
        _ => Usage(),
    };
}
catch (SettingException ex)
{
    Console.Error.WriteLine($"monitoring-silo: {ex.Message}");
    return 2;
}
catch (SchemaNotMigratedException ex)
{
    Console.Error.WriteLine($"monitoring-silo: {ex.Message}");
    return 3;
}
catch (NpgsqlException ex)
{
    Console.Error.WriteLine($"monitoring-silo: cannot reach the database of DATABASE_URL: {ex.Message}");
    return 4;
}

static async Task<int> RunAsync(string[] args)
{
    using var host = await SiloApp.BuildAsync(args);
    await host.RunAsync();
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Monitoring.Silo [run | migrate | health | reencrypt-credentials]");
    return 64;
}
