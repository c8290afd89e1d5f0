using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Credentials;
using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.History;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Uptime;

namespace Monitoring.Grains.Services;

/// <summary>The silo-wide services a <see cref="ServiceMonitorGrain"/> and its collaborators use; one instance per silo.</summary>
public sealed record ServiceMonitorDependencies(
    ServiceStore Store,
    UptimeHistoryStore History,
    UptimeCalculator Calculator,
    CredentialProtector Protector,
    HttpHealthChecker Checker,
    DeniedNetworks DeniedNetworks,
    StatusWriter Writer,
    FeedPublisher Feed,
    TimeProvider Time,
    IOptions<ScheduleOptions> ScheduleOptions,
    IOptions<HistoryOptions> HistoryOptions,
    Fleet.LocalServices Local,
    Fleet.ActivationPrefetch Prefetch,
    Fleet.MembershipConfirmation Membership,
    Alerting.IncidentStore Incidents,
    Alerting.ChannelStore Channels,
    Maintenance.MaintenanceCalendar Maintenance,
    Heartbeats.HeartbeatStore Heartbeats,
    TcpHealthChecker TcpChecker,
    CheckMetrics CheckMetrics,
    ServiceGauges Gauges,
    RecentHistoryStore RecentHistory,
    CheckAdmission Admission,
    CheckConcurrencyLimiter Limiter,
    SpreadPolicy Spread,
    CheckClock Clock,
    SnapshotGate Snapshots,
    Fleet.DirectoryRewake Rewake,
    Fleet.ActivationMetrics Activations);
