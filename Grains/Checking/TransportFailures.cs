using System.Net.Sockets;

namespace Monitoring.Grains.Checking;

/// <summary>What the HTTP and the TCP checker share in turning an exception into a <see cref="TransportFailure"/> and its detail.</summary>
internal static class TransportFailures
{
    /// <summary>Longest failure detail kept, in UTF-16 units.</summary>
    public const int MaxDetailLength = 200;

    public static TransportFailure FromSocketError(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => TransportFailure.ConnectionRefused,
        SocketError.ConnectionReset or SocketError.ConnectionAborted => TransportFailure.ConnectionReset,
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => TransportFailure.NameResolution,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => TransportFailure.Unreachable,
        SocketError.TimedOut => TransportFailure.Timeout,
        _ => TransportFailure.Other,
    };

    /// <summary>The detail of a failure: the denial's reason, else the innermost message, cut to <see cref="MaxDetailLength"/>.</summary>
    public static string Describe(Exception ex)
    {
        if ((ex as DeniedAddressException ?? FindInner<DeniedAddressException>(ex)) is { } denied)
        {
            return denied.Message;
        }

        var message = Innermost(ex).Message;
        return message.Length <= MaxDetailLength ? message : message[..MaxDetailLength];
    }

    public static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    public static T? FindInner<T>(Exception ex)
        where T : Exception
    {
        for (var current = ex.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
