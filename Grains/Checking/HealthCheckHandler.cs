using System.Net;
using System.Net.Security;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The primary handler of the checks' two HTTP clients (<see cref="HttpHealthChecker.ClientName"/> verifies server
/// certificates, <see cref="HttpHealthChecker.InsecureClientName"/> accepts any): connects through the
/// <see cref="GuardedConnector"/>, records every server certificate in the <see cref="CertificateCache"/>, and
/// never follows a redirect itself (the checker does, hop by hop, so credentials stay on the endpoint's origin).
/// </summary>
public static class HealthCheckHandler
{
    public static SocketsHttpHandler Create(CheckOptions options, GuardedConnector connector, CertificateCache certificates, bool verifyCertificates) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = options.UseProxy,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        MaxConnectionsPerServer = int.MaxValue,
        ConnectCallback = connector.ConnectAsync,
        PlaintextStreamFilter = certificates.CaptureAsync,
        SslOptions = verifyCertificates
            ? new SslClientAuthenticationOptions()
            : new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true },

        // Monitored endpoints get the request they always got: no trace headers of ours.
        ActivityHeadersPropagator = null,
    };
}
