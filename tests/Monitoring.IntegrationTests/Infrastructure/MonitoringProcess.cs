using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>A silo or gateway started as its own process (dotnet &lt;dll&gt;), with its output kept for diagnostics.</summary>
public sealed partial class MonitoringProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private MonitoringProcess(Process process)
    {
        this.process = process;
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output => string.Join('\n', output);

    public static MonitoringProcess Start(string dll, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "DATABASE_URL", "ENCRYPTION_KEY", "ENCRYPTION_KEY_PREVIOUS", "API_KEYS", "HOST", "PORT", "SILO_PORT", "GATEWAY_PORT", "METRICS_PORT", "METRICS_KEY", "OTEL_EXPORTER_OTLP_ENDPOINT", "RESULTS_JOURNAL_DIR", "CHECK_DENIED_NETWORKS", "ORLEANS_TLS_CERTIFICATE" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var started = new MonitoringProcess(process);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    public IEnumerable<string> OutputLines => output;

    /// <summary>SIGKILL: the process dies without leaving the cluster.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGSTOP: the process hangs (as under a paused VM) until <see cref="Resume"/>.</summary>
    public void Pause() => SendSignal(process.Id, 19);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => SendSignal(process.Id, 18);

    /// <summary>SIGTERM, as an orchestrator stops a container, then waits for the exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            _ = SendSignal(process.Id, 15);
        }

        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process {process.Id} did not exit within {timeout}; its output:\n{Output}");
        }

        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                await TerminateAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 2000 && output.TryDequeue(out _))
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
