namespace Monitoring.IntegrationTests.Operations;

/// <summary>
/// The tests that scrape /metrics run alone, after every parallel collection: a host's OpenTelemetry listens to the
/// meters of every host in the process by name, so a fleet of another test running beside them would add to their counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
