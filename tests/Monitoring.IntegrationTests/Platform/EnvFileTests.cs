using System.Diagnostics;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>
/// scripts/lib/env.sh reads .env.local, where run.sh keeps the values it generated (a base64 ENCRYPTION_KEY ends
/// with '='): every later start must get back exactly what the first one wrote.
/// </summary>
public sealed class EnvFileTests
{
    [Theory]
    [InlineData("ENCRYPTION_KEY", "q83v7hBn2Jv8b7mXo0T9ZcXcQk8rWJm6d1nEkq0u3lE=")]
    [InlineData("PADDED", "x==")]
    [InlineData("DATABASE_URL", "postgresql://monitoring:p=w@127.0.0.1:5432/monitoring?sslmode=disable")]
    [InlineData("API_KEYS", "key-one:client=7,key-two")]
    [InlineData("EMPTY", "")]
    public async Task A_value_comes_back_exactly_as_it_was_remembered(string name, string value)
    {
        var file = Path.Combine(Path.GetTempPath(), $"env-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(file, $"# generated\nOTHER=1\n{name}={value}\nnot a setting\n");

            var printed = await BashAsync($"env_load '{file}' && printf '%s' \"${{{name}}}\"");

            Assert.Equal(value, printed);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_variable_the_caller_set_wins_over_the_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"env-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(file, "PORT=3030\n");

            Assert.Equal("4040", await BashAsync($"PORT=4040; export PORT; env_load '{file}' && printf '%s' \"$PORT\""));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> BashAsync(string command)
    {
        var script = Path.Combine(RepositoryPaths.Root, "scripts", "lib", "env.sh");
        var info = new ProcessStartInfo("bash", ["-c", $"source '{script}' && {command}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment.Remove("ENCRYPTION_KEY");
        info.Environment.Remove("DATABASE_URL");
        info.Environment.Remove("API_KEYS");
        info.Environment.Remove("PORT");
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"bash exited with {process.ExitCode}: {errors}");
        return output;
    }
}
