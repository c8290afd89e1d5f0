using System.Runtime;
using Monitoring.Hosting;
using Monitoring.Silo;

var command = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('=')) ?? "run";
return await HostExit.RunAsync("monitoring-silo", () => command switch
{
    "run" => RunAsync(args),
    "migrate" => MigrateCommand.RunAsync(args),
    "health" => HealthCommand.RunAsync(args),
    "reencrypt-credentials" => ReencryptCommand.RunAsync(args),
    _ => Task.FromResult(Usage()),
});

static async Task<int> RunAsync(string[] args)
{
    await using var host = await SiloApp.BuildAsync(args);

    // The process's collector, not a test host's: set here rather than in SiloApp.
    GCSettings.LatencyMode = GcLatencySetting.Read(host.Configuration);
    host.Logger.LogInformation("Garbage collector: {Kind}, latency mode {Mode}", GCSettings.IsServerGC ? "server" : "workstation", GCSettings.LatencyMode);
    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    try
    {
        await host.RunAsync();
    }
    catch (Exception ex) when (lifetime.ApplicationStopping.IsCancellationRequested && ex is OperationCanceledException or Orleans.Runtime.OrleansLifecycleCanceledException)
    {
        // SIGTERM (or Ctrl-C) while the silo was still starting: Orleans cancels its start and stops; that is the stop asked for.
        Console.Error.WriteLine("monitoring-silo: stopped while starting");
    }

    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Monitoring.Silo [run | migrate | health | reencrypt-credentials]");
    return 64;
}
