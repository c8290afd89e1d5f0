namespace Monitoring.Gateway.Feed;

/// <summary>Live feed settings of a gateway (section "Feed").</summary>
public sealed class FeedOptions
{
    /// <summary>Events queued for one connection; a connection that falls further behind is disconnected.</summary>
    public int ConnectionQueueCapacity { get; set; } = 1024;
}
