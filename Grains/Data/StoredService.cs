using Monitoring.Grains.Services;

namespace Monitoring.Grains.Data;

/// <summary>A service as its grain loads it: the row, its latest result, and when its last scheduled check ran.</summary>
public sealed record StoredService(ServiceConfig Config, ServiceRuntime Runtime, DateTimeOffset? LastScheduledCheckAt);
