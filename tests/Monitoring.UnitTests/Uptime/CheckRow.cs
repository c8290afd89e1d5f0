using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Uptime;

/// <summary>One stored result, as service_status holds it for one service.</summary>
internal readonly record struct CheckRow(DateTimeOffset CheckedAt, HealthStatus Status, int ResponseTimeMs);
