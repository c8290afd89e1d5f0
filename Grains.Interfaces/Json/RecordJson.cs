using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Grains.Interfaces.Json;

/// <summary>
/// The contract's JSON for records written outside the gateway (a webhook's <c>data</c>): snake_case names,
/// UTC times with milliseconds, statuses as <c>up</c>/<c>degraded</c>/<c>down</c>, the same converters the
/// gateway's source-generated context uses, so a record reads the same in a webhook as in REST.
/// </summary>
public static class RecordJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new UtcMillisecondsConverter(), new StatusRecordConverter(), new HealthStatusConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
