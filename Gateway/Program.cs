using Monitoring.Gateway.Hosting;
using Monitoring.Hosting;

if (args is ["healthcheck", ..])
{
    return await LocalHealthCheck.RunAsync();
}

return await HostExit.RunAsync("monitoring-gateway", async () =>
{
    await using var app = await GatewayApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
});
