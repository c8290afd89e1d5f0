using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>
/// The operator's files in docs/operations: the Prometheus alerting rules pass <c>promtool check rules</c> (installed by
/// scripts/test.sh), and the Grafana dashboard and the rules only use metrics the silos and gateways export.
/// </summary>
public sealed partial class OperationsFilesTests
{
    private static readonly string Rules = Path.Combine(RepositoryPaths.Root, "docs", "operations", "prometheus-rules.yml");
    private static readonly string Dashboard = Path.Combine(RepositoryPaths.Root, "docs", "operations", "grafana-dashboard.json");

    /// <summary>operations.md's instruments (as Prometheus names them; a histogram adds _bucket, _sum and _count).</summary>
    private static readonly HashSet<string> Exported =
    [
        "monitoring_checks_total", "monitoring_check_duration_seconds", "monitoring_results_pending", "monitoring_results_written_total",
        "monitoring_alert_deliveries_total", "monitoring_service_up", "monitoring_service_status", "monitoring_service_response_time_seconds",
        "monitoring_service_tls_expiry_timestamp_seconds", "monitoring_services_active",
    ];

    [Fact]
    public async Task The_alerting_rules_pass_promtool()
    {
        var info = new ProcessStartInfo("promtool", ["check", "rules", Rules]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("promtool did not start (scripts/test.sh installs it)");
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("SUCCESS: 6 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_and_the_rules_name_only_exported_metrics()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .Concat(File.ReadLines(Rules).Where(l => l.TrimStart().StartsWith("expr:", StringComparison.Ordinal)).Select(l => l.Trim()[5..]))
            .ToList();

        Assert.True(expressions.Count >= 15, $"only {expressions.Count} expressions found");
        var named = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().ToList();
        Assert.All(named, name => Assert.Contains(Regex.Replace(name, "_(bucket|sum|count)$", string.Empty), Exported));
        Assert.Contains("monitoring_checks_total", named);
        Assert.Contains("monitoring_service_up", named);
    }

    [GeneratedRegex("monitoring_[a-z_]+")]
    private static partial Regex MetricName();
}
