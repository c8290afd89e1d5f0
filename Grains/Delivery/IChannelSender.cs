namespace Monitoring.Grains.Delivery;

/// <summary>Sends one attempt of a notification to one type of receiver. Implementations throw nothing a receiver causes: they answer it.</summary>
public interface IChannelSender
{
    /// <summary>The channel type it serves (<c>webhook</c>, <c>slack</c>, …).</summary>
    string Type { get; }

    /// <summary>One attempt; <paramref name="cancellationToken"/> ends it at the 15 s attempt timeout.</summary>
    Task<AttemptResult> SendAsync(Notification notification, CancellationToken cancellationToken);
}
