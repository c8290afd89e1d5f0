using Monitoring.Gateway.Hosting;
using Monitoring.Sql;
using Npgsql;

if (args is ["healthcheck", ..])
{
    return await LocalHealthCheck.RunAsync();
}

try
{
    await using var app = await GatewayApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (SettingException ex)
{
    Console.Error.WriteLine($"monitoring-gateway: {ex.Message}");
    return 2;
}
catch (SchemaNotMigratedException ex)
{
    Console.Error.WriteLine($"monitoring-gateway: {ex.Message}");
    return 3;
}
catch (NpgsqlException ex)
{
    Console.Error.WriteLine($"monitoring-gateway: cannot reach the database of DATABASE_URL: {ex.Message}");
    return 4;
}
