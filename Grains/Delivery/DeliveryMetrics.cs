using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// Alert delivery attempts (meter "Monitoring.Alerting"): <c>monitoring_alert_deliveries_total{channel_type,state}</c>
/// counts each attempt whose outcome was stored, by the state it left the delivery in: <c>sent</c>, <c>pending</c>
/// (to be retried) or <c>failed</c> (given up).
/// </summary>
public sealed class DeliveryMetrics : IDisposable
{
    public const string MeterName = "Monitoring.Alerting";

    /// <summary>The channel type counted when the channel was removed before the attempt.</summary>
    public const string UnknownChannelType = "unknown";

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> deliveries;

    /// <summary>For tests and tools without a host: a meter of its own.</summary>
    public DeliveryMetrics()
        : this(null)
    {
    }

    public DeliveryMetrics(IMeterFactory? meters)
    {
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ownsMeter = meters is null;
        deliveries = meter.CreateCounter<long>("monitoring.alert.deliveries", "{attempt}", "Alert delivery attempts, by channel type and the state they left the delivery in");
    }

    /// <summary>Counts one attempt through a channel of <paramref name="channelType"/> that left its delivery in <paramref name="state"/>.</summary>
    public void Attempted(string channelType, string state)
    {
        var tags = new TagList { { "channel_type", channelType }, { "state", state } };
        deliveries.Add(1, in tags);
    }

    public void Dispose()
    {
        // A meter from the factory belongs to the factory, which disposes it with the host.
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
