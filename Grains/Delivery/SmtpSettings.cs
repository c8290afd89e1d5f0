using System.Web;
using MailKit.Security;
using MimeKit;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// Where e-mail channels send: <c>SMTP_URL</c> (<c>smtp://user:pass@host:587?tls=starttls</c>; <c>smtps://</c> or
/// <c>tls=tls</c> for TLS from the start, <c>tls=none</c> for a plain local relay; port 587, or 465 for smtps)
/// and <c>SMTP_FROM</c> (<c>alerts@example.com</c> or <c>Monitoring &lt;alerts@example.com&gt;</c>).
/// Unset: e-mail channels cannot be created.
/// </summary>
public sealed record SmtpSettings(string Host, int Port, SecureSocketOptions Security, string? User, string? Password, MailboxAddress From)
{
    /// <summary>Reads the two settings; null when SMTP_URL is unset. A malformed value is an <see cref="ArgumentException"/> naming it.</summary>
    public static SmtpSettings? Read(string? url, string? from)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("SMTP_URL must look like smtp://user:pass@host:587?tls=starttls (or smtps://host:465)");
        }

        if (string.IsNullOrWhiteSpace(from) || !MailboxAddress.TryParse(from.Trim(), out var sender))
        {
            throw new ArgumentException("SMTP_FROM must be the sender's address (alerts@example.com) when SMTP_URL is set");
        }

        var tls = HttpUtility.ParseQueryString(uri.Query)["tls"]?.ToLowerInvariant();
        var security = (uri.Scheme, tls) switch
        {
            (_, "none") => SecureSocketOptions.None,
            (_, "starttls") => SecureSocketOptions.StartTls,
            ("smtps", _) or (_, "tls") => SecureSocketOptions.SslOnConnect,
            (_, null) => SecureSocketOptions.StartTlsWhenAvailable,
            _ => throw new ArgumentException("SMTP_URL's tls must be starttls, tls or none"),
        };
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (uri.Scheme == "smtps" ? 465 : 587) : uri.Port;
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return new SmtpSettings(uri.Host, port, security, user, password, sender);
    }

    public override string ToString() => $"smtp://{Host}:{Port} ({Security}) from {From.Address}";
}

/// <summary>The silo's SMTP settings, or none (<see cref="Settings"/> null): e-mail channels then cannot be created.</summary>
public sealed record SmtpConfiguration(SmtpSettings? Settings);
