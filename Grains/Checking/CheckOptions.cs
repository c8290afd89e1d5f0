namespace Monitoring.Grains.Checking;

/// <summary>Outbound check settings (section "Checks").</summary>
public sealed class CheckOptions
{
    /// <summary>
    /// Checks in flight per silo; more wait for a slot (taken by the check runner, held from the first attempt's request to
    /// the classified result). A hanging target holds a slot for at most its timeout, twice that when a silo's pause
    /// makes the check run again. At most a tenth of <c>History:BufferCapacity</c>: the results of the checks that hold a
    /// slot when the writer becomes congested must fit in what is left of its buffer.
    /// </summary>
    public int MaxConcurrentChecks { get; set; } = 4096;

    /// <summary>At most this much of a body is read (the contract's 64 KiB).</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The User-Agent of every check that does not give its own; sent as it is written here.</summary>
    public string UserAgent { get; set; } = "monitoring-health-check/1.0";

    /// <summary>Whether <paramref name="userAgent"/> is a User-Agent value by RFC 9110 (product tokens and comments).</summary>
    public static bool IsValidUserAgent(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return false;
        }

        using var probe = new HttpRequestMessage();
        return probe.Headers.UserAgent.TryParseAdd(userAgent);
    }

    /// <summary>
    /// Networks checks may not connect to, comma separated CIDR (see <see cref="Checking.DeniedNetworks"/>);
    /// "none" allows every address. Environment: CHECK_DENIED_NETWORKS.
    /// </summary>
    public string DeniedNetworks { get; set; } = Checking.DeniedNetworks.Default;

    /// <summary>Whether checks go through the proxy of HTTP_PROXY/HTTPS_PROXY; off, as monitored endpoints are usually internal.</summary>
    public bool UseProxy { get; set; }
}
