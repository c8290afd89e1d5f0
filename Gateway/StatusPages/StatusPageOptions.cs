namespace Monitoring.Gateway.StatusPages;

/// <summary>StatusPages:* settings of the gateway.</summary>
public sealed class StatusPageOptions
{
    /// <summary>How long a gathered page serves every visitor, in seconds (default 5).</summary>
    public double CacheSeconds { get; set; } = 5;

    /// <summary>After a change to one of its services, a page is gathered again once it is this old, in seconds (default 1).</summary>
    public double FreshSeconds { get; set; } = 1;

    /// <summary>Cached pages (and unknown slugs) per gateway before expired ones are swept (default 10,000).</summary>
    public int MaxPages { get; set; } = 10_000;
}
