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
    await host.RunAsync();
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Monitoring.Silo [run | migrate | health | reencrypt-credentials]");
    return 64;
}
