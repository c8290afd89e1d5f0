using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Alerting;

/// <summary>A validated channel: the row to write and the secrets still in plain text, for the caller to encrypt under the row's id.</summary>
/// <param name="NewSecretUrl">A Slack, Discord or Teams URL to store encrypted; null: keep what is stored.</param>
/// <param name="NewSecret">A signing secret or routing key to store encrypted; null: keep what is stored.</param>
/// <param name="SecretGenerated">The server made <paramref name="NewSecret"/>: the create answer shows it once.</param>
public sealed record ChannelChange(ChannelRow Row, string? NewSecretUrl, string? NewSecret, bool SecretGenerated);

/// <summary>
/// alert-channels' rules (alerting.md): name 1–200; type one of six and fixed after create; url required and
/// absolute http(s) for webhook/slack/discord/teams, defaulted for pagerduty, refused for email; secret a
/// <c>whsec_</c> key for webhook (made when omitted on create), the routing key for pagerduty (required), refused
/// for the others; email_to 1–20 addresses for email only; an email channel needs SMTP settings.
/// </summary>
public static partial class ChannelValidator
{
    public const int MaxRecipients = 20;

    public static bool TryApply(ChannelRow current, AlertChannelFields fields, bool creating, bool smtpConfigured, out ChannelChange change, out Failure? failure)
    {
        var errors = new Dictionary<string, string>();
        var next = current;
        string? secretUrl = null;
        string? secret = null;
        var generated = false;

        if (NameRule.Apply(fields.Name, creating, errors) is { } name)
        {
            next = next with { Name = name };
        }

        if (creating)
        {
            var type = fields.Type.Or(null)?.Trim().ToLowerInvariant();
            if (type is null)
            {
                errors["type"] = "is required (webhook, slack, discord, teams, pagerduty or email)";
            }
            else if (!ChannelTypes.All.Contains(type))
            {
                errors["type"] = "must be webhook, slack, discord, teams, pagerduty or email";
            }
            else
            {
                next = next with { Type = type };
            }
        }
        else if (fields.Type.IsSet && fields.Type.Value?.Trim().ToLowerInvariant() != current.Type)
        {
            errors["type"] = "cannot be changed; create a channel of the other type instead";
        }

        if (errors.ContainsKey("type"))
        {
            change = new ChannelChange(next, null, null, false);
            failure = Failure.ForFields(errors);
            return false;
        }

        var kind = next.Type;
        ApplyUrl(fields, creating, kind, ref next, ref secretUrl, errors);
        ApplySecret(current, fields, creating, kind, ref secret, ref generated, errors);
        ApplyRecipients(fields, creating, kind, ref next, errors);

        if (creating && kind == ChannelTypes.Email && !smtpConfigured)
        {
            errors["type"] = "email channels need the SMTP settings: set SMTP_URL (smtp://user:pass@host:587?tls=starttls) and SMTP_FROM on the silos";
        }

        if (fields.Enabled.IsSet)
        {
            if (fields.Enabled.Value is { } enabled)
            {
                next = next with { Enabled = enabled };
            }
            else
            {
                errors["enabled"] = "must be true or false";
            }
        }

        if (fields.SendResolved.IsSet)
        {
            if (fields.SendResolved.Value is { } sendResolved)
            {
                next = next with { SendResolved = sendResolved };
            }
            else
            {
                errors["send_resolved"] = "must be true or false";
            }
        }

        change = new ChannelChange(next, secretUrl, secret, generated);
        failure = errors.Count == 0 ? null : Failure.ForFields(errors);
        return failure is null;
    }

    /// <summary>Scheme and host of a secret URL, then <c>/…</c>: enough to recognise it, nothing to use.</summary>
    public static string Mask(Uri url) => $"{url.Scheme}://{url.Authority}/…";

    private static void ApplyUrl(AlertChannelFields fields, bool creating, string kind, ref ChannelRow next, ref string? secretUrl, Dictionary<string, string> errors)
    {
        var given = fields.Url.IsSet ? fields.Url.Value?.Reveal.Trim() : null;
        if (kind == ChannelTypes.Email)
        {
            if (!string.IsNullOrEmpty(given))
            {
                errors["url"] = "is not allowed for an email channel (it sends to email_to)";
            }

            next = next with { Url = null };
            return;
        }

        if (!fields.Url.IsSet && !creating)
        {
            return;
        }

        if (string.IsNullOrEmpty(given))
        {
            if (kind == ChannelTypes.PagerDuty)
            {
                next = next with { Url = ChannelTypes.PagerDutyEventsUrl };
            }
            else
            {
                errors["url"] = fields.Url.IsSet ? "must be an absolute http:// or https:// URL" : "is required";
            }

            return;
        }

        if (given.Length > ServiceValidator.MaxUrlLength)
        {
            errors["url"] = $"must be at most {ServiceValidator.MaxUrlLength} characters";
        }
        else if (!Uri.TryCreate(given, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            errors["url"] = "must be an absolute http:// or https:// URL";
        }
        else if (ChannelTypes.UrlIsSecret(kind))
        {
            secretUrl = given;
            next = next with { Url = Mask(uri) };
        }
        else
        {
            next = next with { Url = given };
        }
    }

    private static void ApplySecret(ChannelRow current, AlertChannelFields fields, bool creating, string kind, ref string? secret, ref bool generated, Dictionary<string, string> errors)
    {
        var given = fields.Secret.IsSet ? fields.Secret.Value?.Reveal.Trim() : null;
        switch (kind)
        {
            case ChannelTypes.Webhook:
                if (!string.IsNullOrEmpty(given))
                {
                    if (WebhookSignature.IsValidSecret(given))
                    {
                        secret = given;
                    }
                    else
                    {
                        errors["secret"] = "must be whsec_ followed by the base64 of 24 to 64 random bytes (omit it on create and the server makes one)";
                    }
                }
                else if (creating || (fields.Secret.IsSet && current.SecretCiphertext is null))
                {
                    secret = WebhookSignature.NewSecret();
                    generated = creating;
                }
                else if (fields.Secret.IsSet)
                {
                    errors["secret"] = "cannot be removed from a webhook channel: send a new whsec_ secret to replace it";
                }

                break;
            case ChannelTypes.PagerDuty:
                if (!string.IsNullOrEmpty(given))
                {
                    if (given.Length > 200)
                    {
                        errors["secret"] = "must be at most 200 characters (the PagerDuty integration's routing key)";
                    }
                    else
                    {
                        secret = given;
                    }
                }
                else if (creating || fields.Secret.IsSet)
                {
                    errors["secret"] = "is required: the routing key of the PagerDuty service's Events API v2 integration";
                }

                break;
            default:
                if (!string.IsNullOrEmpty(given))
                {
                    errors["secret"] = $"is not allowed for a {kind} channel";
                }

                break;
        }
    }

    private static void ApplyRecipients(AlertChannelFields fields, bool creating, string kind, ref ChannelRow next, Dictionary<string, string> errors)
    {
        if (kind != ChannelTypes.Email)
        {
            if (fields.EmailTo is { IsSet: true, Value.Length: > 0 })
            {
                errors["email_to"] = "is allowed only for an email channel";
            }

            next = next with { EmailTo = [] };
            return;
        }

        if (!fields.EmailTo.IsSet && !creating)
        {
            return;
        }

        var recipients = fields.EmailTo.Or(null)?.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (recipients is null || recipients.Length == 0)
        {
            errors["email_to"] = fields.EmailTo.IsSet ? $"must list 1 to {MaxRecipients} e-mail addresses" : "is required: 1 to 20 e-mail addresses";
        }
        else if (recipients.Length > MaxRecipients)
        {
            errors["email_to"] = $"must list at most {MaxRecipients} addresses";
        }
        else if (recipients.FirstOrDefault(a => a.Length > 320 || !Address().IsMatch(a)) is { } wrong)
        {
            errors["email_to"] = $"'{(wrong.Length > 64 ? wrong[..64] + "…" : wrong)}' is not an e-mail address (name@example.com)";
        }
        else
        {
            next = next with { EmailTo = recipients };
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[^@\s<>,;""]+@[^@\s<>,;""]+\.[^@\s<>,;""]+$")]
    private static partial System.Text.RegularExpressions.Regex Address();
}
