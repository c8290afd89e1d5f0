using Monitoring.Grains.Alerting;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Data;

/// <summary>A service as its grain loads it: the row, its latest result, when its last scheduled check ran, and its incident history.</summary>
public sealed record StoredService(ServiceConfig Config, ServiceRuntime Runtime, DateTimeOffset? LastScheduledCheckAt, IncidentHistory History);
