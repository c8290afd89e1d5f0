using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using Monitoring.Grains.Alerting;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// <c>email</c>: one plain-text message per delivery to the channel's <c>email_to</c>, through the SMTP server of
/// <see cref="SmtpSettings"/> (MailKit), with the subject <c>[DOWN] &lt;service&gt; — &lt;client&gt;</c> and a Message-ID
/// made from the delivery id, the same on every attempt. The server's 5xx refusal is final; anything else is retried.
/// </summary>
public sealed class EmailSender(SmtpConfiguration mail) : IChannelSender
{
    public string Type => ChannelTypes.Email;

    public async Task<AttemptResult> SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (mail.Settings is not { } settings)
        {
            return new AttemptResult(false, null, "SMTP_URL and SMTP_FROM are not set on this silo", Final: false);
        }

        var message = Message(notification, settings.From);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HttpAttempt.AttemptTimeout);
        using var client = new SmtpClient { Timeout = (int)HttpAttempt.AttemptTimeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, timeout.Token);
            if (settings.User is { } user)
            {
                await client.AuthenticateAsync(user, settings.Password ?? string.Empty, timeout.Token);
            }

            await client.SendAsync(message, timeout.Token);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            return new AttemptResult(false, code, $"SMTP {code}: {ex.Message}", Final: code >= 500);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptResult.NoAnswer($"the SMTP server did not finish within {HttpAttempt.AttemptTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or System.Net.Sockets.SocketException or IOException or MailKit.Security.AuthenticationException or ServiceNotConnectedException)
        {
            return AttemptResult.NoAnswer($"SMTP: {ex.Message}");
        }

        // Accepted: whatever the goodbye does, the message is the server's now and is not sent again.
        try
        {
            await client.DisconnectAsync(true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
        }

        return AttemptResult.Sent(250);
    }

    /// <summary>The message of one delivery: stable Message-ID <c>&lt;dlv_42@sender-domain&gt;</c>.</summary>
    public static MimeMessage Message(Notification notification, MailboxAddress from)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        foreach (var address in notification.Channel.EmailTo)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        var domain = from.Domain is { Length: > 0 } d ? d : "monitoring.local";
        message.MessageId = $"{notification.Delivery.Identity}@{domain}";
        message.Subject = NotificationText.Subject(notification);
        message.Body = new TextPart("plain") { Text = NotificationText.PlainText(notification) };
        return message;
    }
}
