using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Runs one TCP check: connects through the <see cref="GuardedConnector"/> (the deny list applies as for HTTP),
/// for <c>tls://</c> completes a TLS handshake and reads the certificate's notAfter (verified or not), then closes.
/// The time is to the connection (and handshake); every failure comes back as an observation with the
/// <see cref="TransportFailure"/> an HTTP check would have had, never as an exception (but the caller's cancellation).
/// </summary>
public sealed class TcpHealthChecker(GuardedConnector connector, TimeProvider time)
{
    public async Task<HttpObservation> CheckAsync(TcpCheckRequest request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(request.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var started = time.GetTimestamp();
        int Elapsed() => (int)Math.Min(int.MaxValue, time.GetElapsedTime(started).TotalMilliseconds);

        var handshaking = false;

        // The certificate as it arrived, also when it fails verification: tls_expires_at tells of it either way.
        DateTimeOffset? seen = null;
        try
        {
            using var socket = await connector.ConnectSocketAsync(request.Host, request.Port, linked.Token);
            if (!request.Tls)
            {
                return HttpObservation.Connected(Elapsed());
            }

            handshaking = true;
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = request.Host,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    seen = certificate is null ? null : CertificateCache.NotAfterOf(certificate);
                    return !request.TlsVerify || errors == SslPolicyErrors.None;
                },
            }, linked.Token);
            var elapsed = Elapsed();
            return HttpObservation.Connected(elapsed, tls.RemoteCertificate is { } certificate ? CertificateCache.NotAfterOf(certificate) : null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HttpObservation.Failed(TransportFailure.Timeout, Math.Max(Elapsed(), (int)request.Timeout.TotalMilliseconds));
        }
        catch (DeniedAddressException ex)
        {
            return HttpObservation.Failed(TransportFailure.Denied, Elapsed(), ex.Message);
        }
        catch (SocketException ex) when (!handshaking)
        {
            var failure = TransportFailures.FromSocketError(ex.SocketErrorCode);
            return HttpObservation.Failed(failure, Elapsed(), TransportFailures.Describe(ex));
        }
        catch (Exception ex) when (handshaking && ex is AuthenticationException or IOException or SocketException)
        {
            // The server refused the handshake, closed the connection in its middle, or sent no TLS at all.
            return HttpObservation.Failed(TransportFailure.Tls, Elapsed(), TransportFailures.Describe(ex)) with { CertificateNotAfter = seen };
        }
    }
}
