using MimeKit;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get", <c>email</c>: one message per delivery to <c>email_to</c>, subject
/// <c>[DOWN] &lt;service&gt; — &lt;client&gt;</c> (<c>[DEGRADED]</c>, <c>[RESOLVED]</c>, <c>[REMINDER]</c>,
/// <c>[TEST]</c>), a plain-text body with the facts, and a <c>Message-ID</c> made from the delivery id
/// (<c>dlv_&lt;id&gt;@&lt;domain of the sender&gt;</c>) that is the same on every attempt.
/// </summary>
public sealed class EmailSenderTests
{
    private static readonly MailboxAddress From = MailboxAddress.Parse("Monitoring <alerts@mail.acme.example>");

    [Theory]
    [InlineData("triggered", HealthStatus.Down, "[DOWN] Checkout API — Acme Corp")]
    [InlineData("triggered", HealthStatus.Degraded, "[DEGRADED] Checkout API — Acme Corp")]
    [InlineData("resolved", HealthStatus.Down, "[RESOLVED] Checkout API — Acme Corp")]
    [InlineData("reminder", HealthStatus.Down, "[REMINDER] Checkout API — Acme Corp")]
    public void The_subject_tags_the_event(string @event, HealthStatus severity, string subject)
    {
        Assert.Equal(subject, EmailSender.Message(Notifications.Of(@event, ChannelTypes.Email, severity), From).Subject);
    }

    [Fact]
    public void A_test_subject_is_tagged_test()
    {
        var subject = EmailSender.Message(Notifications.Of("test", ChannelTypes.Email), From).Subject;

        Assert.StartsWith("[TEST] ", subject, StringComparison.Ordinal);
        Assert.Contains(Notifications.ClientName, subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("triggered", 42L, "dlv_42@mail.acme.example")]
    [InlineData("resolved", 4242L, "dlv_4242@mail.acme.example")]
    [InlineData("test", 7L, "dlv_7@mail.acme.example")]
    public void The_message_id_is_made_from_the_delivery_id_and_the_senders_domain(string @event, long deliveryId, string messageId)
    {
        var message = EmailSender.Message(Notifications.Of(@event, ChannelTypes.Email, deliveryId: deliveryId), From);

        Assert.Equal(messageId, message.MessageId);
        Assert.Equal($"<{messageId}>", message.Headers[HeaderId.MessageId]?.Trim());
    }

    [Fact]
    public void Every_attempt_of_a_delivery_carries_the_same_message_id_and_other_deliveries_another()
    {
        var first = EmailSender.Message(Notifications.Of("triggered", ChannelTypes.Email, deliveryId: 42), From);
        var again = EmailSender.Message(Notifications.Of("triggered", ChannelTypes.Email, deliveryId: 42), From);
        var other = EmailSender.Message(Notifications.Of("triggered", ChannelTypes.Email, deliveryId: 43), From);

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.NotEqual(first.MessageId, other.MessageId);
    }

    [Fact]
    public void The_message_goes_from_the_sender_to_every_address_of_email_to()
    {
        var message = EmailSender.Message(Notifications.Of("triggered", ChannelTypes.Email), From);

        Assert.Equal(new[] { "alerts@mail.acme.example" }, message.From.Mailboxes.Select(m => m.Address));
        Assert.Equal(Notifications.Recipients, message.To.Mailboxes.Select(m => m.Address));
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("triggered", HealthStatus.Degraded)]
    [InlineData("resolved", HealthStatus.Down)]
    [InlineData("reminder", HealthStatus.Down)]
    public void The_plain_text_body_names_the_facts(string @event, HealthStatus severity)
    {
        var message = EmailSender.Message(Notifications.Of(@event, ChannelTypes.Email, severity), From);

        var text = Assert.IsType<TextPart>(message.Body);
        Assert.True(text.IsPlain);
        Notifications.AssertNamesTheFacts(text.Text, @event, severity);
    }
}
