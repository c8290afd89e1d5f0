namespace Monitoring.Grains.Checking;

/// <summary>What one check sends: the endpoint, the method, the decrypted credentials and the timeout.</summary>
public sealed record HealthCheckRequest(Uri Endpoint, HttpMethod Method, TimeSpan Timeout, string? Username = null, string? Password = null)
{
    // Records print every property; this one must never print the password.
    public override string ToString() => $"{Method} {Endpoint} (timeout {Timeout.TotalMilliseconds} ms{(Username is null && Password is null ? string.Empty : ", basic auth")})";
}
