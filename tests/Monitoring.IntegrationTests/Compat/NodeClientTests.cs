using System.Diagnostics;
using Monitoring.IntegrationTests.Api;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Compat;

/// <summary>
/// The official JavaScript clients against the running gateway, under Node: @feathersjs/rest-client and
/// @microsoft/signalr (scripts in tests/compat, packages installed by scripts/test.sh).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class NodeClientTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("feathers-rest.mjs")]
    [InlineData("signalr.mjs")]
    public async Task The_official_client_works_against_the_gateway(string script)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "compat");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules")), "tests/compat/node_modules is missing: run `npm ci` there (scripts/test.sh does)");
        var info = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["GATEWAY_URL"] = fixture.Fleet.GatewayUrl();
        info.Environment["API_KEY"] = InProcessFleet.AdminKey;
        info.Environment["TARGET_URL"] = fixture.Target.BaseUrl;

        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await node.WaitForExitAsync(timeout.Token);

        Assert.True(node.ExitCode == 0, $"{script} failed:\n{await output}\n{await errors}");
        Assert.Contains("all passed", await output);
    }
}
