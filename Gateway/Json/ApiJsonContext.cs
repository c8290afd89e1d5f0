using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using Monitoring.Gateway.Api;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Health;
using Monitoring.Grains.Interfaces.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Json;

/// <summary>Source-generated JSON for every body the gateway writes: snake_case names, contract times.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(UtcMillisecondsConverter), typeof(StatusRecordConverter), typeof(HealthStatusConverter)])]
[JsonSerializable(typeof(FeathersError))]
[JsonSerializable(typeof(HealthReportBody))]
[JsonSerializable(typeof(LivenessBody))]
[JsonSerializable(typeof(ClientRecord))]
[JsonSerializable(typeof(ServiceRecord))]
[JsonSerializable(typeof(StatusRecord))]
[JsonSerializable(typeof(Page<ClientRecord>))]
[JsonSerializable(typeof(Page<ServiceRecord>))]
[JsonSerializable(typeof(Page<StatusRecord>))]
[JsonSerializable(typeof(IncidentRecord))]
[JsonSerializable(typeof(Page<IncidentRecord>))]
[JsonSerializable(typeof(AlertChannelRecord))]
[JsonSerializable(typeof(Page<AlertChannelRecord>))]
[JsonSerializable(typeof(DeliveryRecord))]
[JsonSerializable(typeof(Page<DeliveryRecord>))]
[JsonSerializable(typeof(MaintenanceWindowRecord))]
[JsonSerializable(typeof(Page<MaintenanceWindowRecord>))]
[JsonSerializable(typeof(StatusPageRecord))]
[JsonSerializable(typeof(Monitoring.Gateway.Feed.PageStatusEvent))]
[JsonSerializable(typeof(Monitoring.Gateway.Feed.PageIncidentEvent))]
[JsonSerializable(typeof(Page<StatusPageRecord>))]
[JsonSerializable(typeof(Monitoring.Gateway.StatusPages.StatusPageBody))]
[JsonSerializable(typeof(UptimeStatsBody))]
[JsonSerializable(typeof(Page<UptimeStatsBody>))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(Monitoring.Gateway.Feed.FeedFilter))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
