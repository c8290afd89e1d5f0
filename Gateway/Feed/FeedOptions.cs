namespace Monitoring.Gateway.Feed;

/// <summary>Live feed settings of a gateway (section "Feed").</summary>
public sealed class FeedOptions
{
    /// <summary>
    /// Events queued for one connection; a connection that falls further behind is disconnected. An entry is a
    /// reference to a payload shared by all connections, so a deep queue costs little memory.
    /// </summary>
    public int ConnectionQueueCapacity { get; set; } = 10_000;
}
