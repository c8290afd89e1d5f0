using Monitoring.Grains.Alerting;

namespace Monitoring.UnitTests.Alerting;

/// <summary>
/// alerting.md, "alert-channels": name 1–200 characters; type one of six and never changed; url required and
/// absolute http(s) for webhook, slack, discord and teams, defaulted for pagerduty, refused for email, and shown
/// only as scheme + host + <c>/…</c> for slack, discord and teams; secret a <c>whsec_</c> key of 24–64 bytes for
/// webhook (made by the server when omitted on create), the routing key for pagerduty (required), refused for the
/// others; email_to 1–20 addresses for email only; an email channel needs the SMTP settings. Every refusal is a
/// 400 naming each wrong field.
/// </summary>
public sealed class ChannelValidatorTests
{
    private const string SlackUrl = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";
    private const string DiscordUrl = "https://discord.com/api/webhooks/123456789/abcdefghijklmnop";
    private const string TeamsUrl = "https://prod-42.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s3cr3t";
    private const string WebhookUrl = "https://hooks.acme.example/monitoring?token=visible";
    private const string ReferenceSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static readonly ChannelRow Blank = new();

    private static readonly ChannelRow StoredSlack = new()
    {
        Id = 3,
        ClientId = 7,
        Name = "Ops",
        Type = ChannelTypes.Slack,
        Url = "https://hooks.slack.com/…",
        UrlCiphertext = "ciphertext",
    };

    private static readonly ChannelRow StoredWebhook = new()
    {
        Id = 4,
        ClientId = 7,
        Name = "Hook",
        Type = ChannelTypes.Webhook,
        Url = WebhookUrl,
        SecretCiphertext = "ciphertext",
    };

    private static readonly ChannelRow StoredEmail = new()
    {
        Id = 5,
        ClientId = 7,
        Name = "Mail",
        Type = ChannelTypes.Email,
        EmailTo = ["ops@acme.example"],
    };

    /// <summary>Each row: a valid create body, the URL it shows, and the full URL stored encrypted (or null).</summary>
    public static TheoryData<AlertChannelFields, string?, string?> ValidCreates() => new()
    {
        { new AlertChannelFields { Name = "Hook", Type = "webhook", Url = new Secret(WebhookUrl) }, WebhookUrl, null },
        { new AlertChannelFields { Name = "Hook", Type = "webhook", Url = new Secret("http://10.0.0.5:8080/hook") }, "http://10.0.0.5:8080/hook", null },
        { new AlertChannelFields { Name = "Slack", Type = "slack", Url = new Secret(SlackUrl) }, "https://hooks.slack.com/…", SlackUrl },
        { new AlertChannelFields { Name = "Discord", Type = "discord", Url = new Secret(DiscordUrl) }, "https://discord.com/…", DiscordUrl },
        { new AlertChannelFields { Name = "Teams", Type = "teams", Url = new Secret(TeamsUrl) }, "https://prod-42.westeurope.logic.azure.com/…", TeamsUrl },
        { new AlertChannelFields { Name = "PD", Type = "pagerduty", Secret = new Secret("R0UTINGKEY") }, "https://events.pagerduty.com/v2/enqueue", null },
        { new AlertChannelFields { Name = "PD", Type = "pagerduty", Url = new Secret("https://events.eu.pagerduty.com/v2/enqueue"), Secret = new Secret("R0UTINGKEY") }, "https://events.eu.pagerduty.com/v2/enqueue", null },
        { new AlertChannelFields { Name = "Mail", Type = "email", EmailTo = new[] { "ops@acme.example" } }, null, null },
    };

    [Theory]
    [MemberData(nameof(ValidCreates))]
    public void A_valid_create_shows_the_url_and_keeps_a_secret_url_apart(AlertChannelFields fields, string? shownUrl, string? secretUrl)
    {
        var valid = ChannelValidator.TryApply(Blank, fields, creating: true, smtpConfigured: true, out var change, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Null(failure);
        Assert.Equal(fields.Type.Value, change.Row.Type);
        Assert.Equal(fields.Name.Value, change.Row.Name);
        Assert.Equal(shownUrl, change.Row.Url);
        Assert.Equal(secretUrl, change.NewSecretUrl);
    }

    [Theory]
    [InlineData("slack", SlackUrl)]
    [InlineData("discord", DiscordUrl)]
    [InlineData("teams", TeamsUrl)]
    public void A_secret_url_is_shown_as_scheme_and_host_only(string type, string url)
    {
        ChannelValidator.TryApply(Blank, new AlertChannelFields { Name = "Chat", Type = type, Url = new Secret(url) }, creating: true, smtpConfigured: true, out var change, out _);

        var uri = new Uri(url);
        Assert.Equal($"{uri.Scheme}://{uri.Host}/…", change.Row.Url);
        Assert.DoesNotContain(uri.PathAndQuery, change.Row.Url!, StringComparison.Ordinal);
        Assert.Equal(url, change.NewSecretUrl);
    }

    [Fact]
    public void A_webhook_created_without_a_secret_gets_a_new_valid_one()
    {
        var fields = new AlertChannelFields { Name = "Hook", Type = "webhook", Url = new Secret(WebhookUrl) };

        ChannelValidator.TryApply(Blank, fields, creating: true, smtpConfigured: false, out var first, out _);
        ChannelValidator.TryApply(Blank, fields, creating: true, smtpConfigured: false, out var second, out _);

        Assert.True(first.SecretGenerated);
        Assert.StartsWith("whsec_", first.NewSecret, StringComparison.Ordinal);
        Assert.True(WebhookSignature.IsValidSecret(first.NewSecret!));
        Assert.NotEqual(first.NewSecret, second.NewSecret);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(64)]
    public void A_webhook_keeps_a_given_valid_secret(int bytes)
    {
        var secret = Whsec(bytes);

        var valid = ChannelValidator.TryApply(Blank, new AlertChannelFields { Name = "Hook", Type = "webhook", Url = new Secret(WebhookUrl), Secret = new Secret(secret) }, creating: true, smtpConfigured: true, out var change, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(secret, change.NewSecret);
        Assert.False(change.SecretGenerated);
    }

    [Fact]
    public void A_pagerduty_routing_key_is_the_secret()
    {
        ChannelValidator.TryApply(Blank, new AlertChannelFields { Name = "PD", Type = "pagerduty", Secret = new Secret(" R0UTINGKEY ") }, creating: true, smtpConfigured: true, out var change, out _);

        Assert.Equal("R0UTINGKEY", change.NewSecret);
        Assert.False(change.SecretGenerated);
    }

    [Fact]
    public void An_email_channel_takes_its_recipients_and_no_url()
    {
        var valid = ChannelValidator.TryApply(Blank, new AlertChannelFields { Name = "Mail", Type = "email", EmailTo = new[] { "ops@acme.example", "oncall@acme.example" } }, creating: true, smtpConfigured: true, out var change, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(new[] { "ops@acme.example", "oncall@acme.example" }, change.Row.EmailTo);
        Assert.Null(change.Row.Url);
        Assert.Null(change.NewSecret);
        Assert.Null(change.NewSecretUrl);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void Email_to_takes_1_to_20_addresses(int count)
    {
        var valid = ChannelValidator.TryApply(Blank, Email(Addresses(count)), creating: true, smtpConfigured: true, out var change, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(count, change.Row.EmailTo.Length);
    }

    [Fact]
    public void A_name_of_200_characters_is_taken_trimmed()
    {
        var name = new string('n', 200);

        var valid = ChannelValidator.TryApply(Blank, new AlertChannelFields { Name = $"  {name} ", Type = "slack", Url = new Secret(SlackUrl) }, creating: true, smtpConfigured: false, out var change, out _);

        Assert.True(valid);
        Assert.Equal(name, change.Row.Name);
    }

    /// <summary>Each row: a create body, whether SMTP is configured, and the one field the 400 names.</summary>
    public static TheoryData<AlertChannelFields, bool, string> RefusedCreates() => new()
    {
        // name
        { new AlertChannelFields { Type = "slack", Url = new Secret(SlackUrl) }, true, "name" },
        { new AlertChannelFields { Name = "", Type = "slack", Url = new Secret(SlackUrl) }, true, "name" },
        { new AlertChannelFields { Name = "   ", Type = "slack", Url = new Secret(SlackUrl) }, true, "name" },
        { new AlertChannelFields { Name = (string?)null, Type = "slack", Url = new Secret(SlackUrl) }, true, "name" },
        { new AlertChannelFields { Name = new string('n', 201), Type = "slack", Url = new Secret(SlackUrl) }, true, "name" },

        // type
        { new AlertChannelFields { Name = "X", Url = new Secret(SlackUrl) }, true, "type" },
        { new AlertChannelFields { Name = "X", Type = (string?)null, Url = new Secret(SlackUrl) }, true, "type" },
        { new AlertChannelFields { Name = "X", Type = "sms", Url = new Secret(SlackUrl) }, true, "type" },
        { new AlertChannelFields { Name = "X", Type = "msteams", Url = new Secret(SlackUrl) }, true, "type" },
        { new AlertChannelFields { Name = "X", Type = "", Url = new Secret(SlackUrl) }, true, "type" },

        // url: required and absolute http(s) for webhook, slack, discord, teams
        { new AlertChannelFields { Name = "X", Type = "webhook" }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "slack" }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "discord" }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "teams" }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = (Secret?)null }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret("") }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret("ftp://files.acme.example/hook") }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "slack", Url = new Secret("/services/T0000/B0000/XXXX") }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "discord", Url = new Secret("discord.com/api/webhooks/1/a") }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "teams", Url = new Secret("not a url") }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret("https://") }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret("mailto:ops@acme.example") }, true, "url" },
        { new AlertChannelFields { Name = "X", Type = "pagerduty", Url = new Secret("ws://events.pagerduty.com/v2/enqueue"), Secret = new Secret("KEY") }, true, "url" },

        // url: not allowed for email
        { new AlertChannelFields { Name = "X", Type = "email", Url = new Secret("https://mail.acme.example"), EmailTo = new[] { "ops@acme.example" } }, true, "url" },

        // secret: webhook's must be whsec_ + base64 of 24–64 bytes
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret(WebhookUrl), Secret = new Secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret(WebhookUrl), Secret = new Secret("whsec_***not-base64***") }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret(WebhookUrl), Secret = new Secret(Whsec(23)) }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret(WebhookUrl), Secret = new Secret(Whsec(65)) }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret(WebhookUrl), Secret = new Secret("hunter2") }, true, "secret" },

        // secret: pagerduty's routing key is required
        { new AlertChannelFields { Name = "X", Type = "pagerduty" }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "pagerduty", Secret = (Secret?)null }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "pagerduty", Secret = new Secret("  ") }, true, "secret" },

        // secret: not allowed for the others
        { new AlertChannelFields { Name = "X", Type = "slack", Url = new Secret(SlackUrl), Secret = new Secret(ReferenceSecret) }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "discord", Url = new Secret(DiscordUrl), Secret = new Secret("token") }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "teams", Url = new Secret(TeamsUrl), Secret = new Secret("token") }, true, "secret" },
        { new AlertChannelFields { Name = "X", Type = "email", EmailTo = new[] { "ops@acme.example" }, Secret = new Secret("password") }, true, "secret" },

        // email_to: 1–20 addresses, email only
        { new AlertChannelFields { Name = "X", Type = "email" }, true, "email_to" },
        { Email([]), true, "email_to" },
        { Email(["  "]), true, "email_to" },
        { new AlertChannelFields { Name = "X", Type = "email", EmailTo = (string[]?)null }, true, "email_to" },
        { Email(Addresses(21)), true, "email_to" },
        { Email(["ops@acme.example", "not-an-address"]), true, "email_to" },
        { Email(["ops@@acme.example"]), true, "email_to" },
        { Email(["Ops <ops@acme.example>"]), true, "email_to" },
        { new AlertChannelFields { Name = "X", Type = "webhook", Url = new Secret(WebhookUrl), EmailTo = new[] { "ops@acme.example" } }, true, "email_to" },
        { new AlertChannelFields { Name = "X", Type = "slack", Url = new Secret(SlackUrl), EmailTo = new[] { "ops@acme.example" } }, true, "email_to" },

        // an email channel needs the SMTP settings
        { Email(["ops@acme.example"]), false, "type" },
    };

    [Theory]
    [MemberData(nameof(RefusedCreates))]
    public void A_wrong_create_is_a_400_naming_the_field(AlertChannelFields fields, bool smtpConfigured, string field)
    {
        var valid = ChannelValidator.TryApply(Blank, fields, creating: true, smtpConfigured, out _, out var failure);

        Assert.False(valid);
        Assert.NotNull(failure);
        Assert.Equal(FailureKind.BadRequest, failure.Kind);
        Assert.NotNull(failure.Errors);
        Assert.Equal(new[] { field }, failure.Errors.Keys);
        Assert.Contains(field, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_email_channel_without_smtp_says_the_settings_are_missing()
    {
        ChannelValidator.TryApply(Blank, Email(["ops@acme.example"]), creating: true, smtpConfigured: false, out _, out var failure);

        Assert.Contains("SMTP_URL", failure!.Errors!["type"], StringComparison.Ordinal);
    }

    /// <summary>
    /// alerting.md: "without them [the SMTP settings] creating one is a 400". Only creating: an existing email
    /// channel can still be renamed or disabled when the settings are gone (its deliveries cannot leave anyway).
    /// </summary>
    [Theory]
    [InlineData(false, null)]
    [InlineData(null, "Mail (paused)")]
    public void Without_smtp_an_existing_email_channel_can_still_be_patched(bool? enabled, string? name)
    {
        var fields = new AlertChannelFields { Enabled = enabled is { } e ? e : Optional<bool?>.Unset, Name = name is { } n ? n : Optional<string?>.Unset };

        var valid = ChannelValidator.TryApply(StoredEmail, fields, creating: false, smtpConfigured: false, out var change, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(StoredEmail with { Enabled = enabled ?? StoredEmail.Enabled, Name = name ?? StoredEmail.Name }, change.Row);
    }

    [Fact]
    public void Every_wrong_field_is_named_in_one_400()
    {
        var fields = new AlertChannelFields
        {
            Name = "",
            Type = "webhook",
            Url = new Secret("ftp://nope"),
            Secret = new Secret("whsec_short"),
            EmailTo = new[] { "ops@acme.example" },
        };

        var valid = ChannelValidator.TryApply(Blank, fields, creating: true, smtpConfigured: true, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(new[] { "email_to", "name", "secret", "url" }, failure!.Errors!.Keys.Order());
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("discord")]
    [InlineData("email")]
    [InlineData("pagerduty")]
    public void The_type_cannot_be_changed_on_patch(string type)
    {
        var valid = ChannelValidator.TryApply(StoredSlack, new AlertChannelFields { Type = type }, creating: false, smtpConfigured: true, out _, out var failure);

        Assert.False(valid);
        Assert.True(failure!.Errors!.ContainsKey("type"));
    }

    [Fact]
    public void A_patch_repeating_the_type_is_fine()
    {
        var valid = ChannelValidator.TryApply(StoredSlack, new AlertChannelFields { Type = "slack", Name = "Ops 2" }, creating: false, smtpConfigured: true, out var change, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(StoredSlack with { Name = "Ops 2" }, change.Row);
    }

    [Fact]
    public void A_patch_without_url_or_secret_keeps_what_is_stored()
    {
        var valid = ChannelValidator.TryApply(StoredSlack, new AlertChannelFields { Enabled = false, SendResolved = false }, creating: false, smtpConfigured: true, out var change, out _);

        Assert.True(valid);
        Assert.Equal(StoredSlack with { Enabled = false, SendResolved = false }, change.Row);
        Assert.Null(change.NewSecretUrl);
        Assert.Null(change.NewSecret);
    }

    [Fact]
    public void A_patch_of_a_secret_url_masks_the_new_one()
    {
        const string url = "https://hooks.slack.com/services/T1111/B1111/YYYYYYYYYYYYYYYY";

        ChannelValidator.TryApply(StoredSlack, new AlertChannelFields { Url = new Secret(url) }, creating: false, smtpConfigured: true, out var change, out _);

        Assert.Equal("https://hooks.slack.com/…", change.Row.Url);
        Assert.Equal(url, change.NewSecretUrl);
    }

    [Fact]
    public void A_patch_cannot_remove_a_webhooks_secret()
    {
        var valid = ChannelValidator.TryApply(StoredWebhook, new AlertChannelFields { Secret = (Secret?)null }, creating: false, smtpConfigured: true, out _, out var failure);

        Assert.False(valid);
        Assert.True(failure!.Errors!.ContainsKey("secret"));
    }

    [Fact]
    public void A_patched_webhook_secret_is_not_shown_as_generated()
    {
        var valid = ChannelValidator.TryApply(StoredWebhook, new AlertChannelFields { Secret = new Secret(ReferenceSecret) }, creating: false, smtpConfigured: true, out var change, out _);

        Assert.True(valid);
        Assert.Equal(ReferenceSecret, change.NewSecret);
        Assert.False(change.SecretGenerated);
    }

    [Theory]
    [InlineData("name", "")]
    [InlineData("url", "ftp://x.example")]
    public void A_patch_is_checked_like_a_create(string field, string value)
    {
        var fields = field == "name" ? new AlertChannelFields { Name = value } : new AlertChannelFields { Url = new Secret(value) };

        var valid = ChannelValidator.TryApply(StoredWebhook, fields, creating: false, smtpConfigured: true, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(new[] { field }, failure!.Errors!.Keys);
    }

    [Fact]
    public void A_patch_of_email_to_on_an_email_channel_replaces_the_recipients()
    {
        var valid = ChannelValidator.TryApply(StoredEmail, new AlertChannelFields { EmailTo = new[] { "a@acme.example", "b@acme.example" } }, creating: false, smtpConfigured: true, out var change, out _);

        Assert.True(valid);
        Assert.Equal(new[] { "a@acme.example", "b@acme.example" }, change.Row.EmailTo);
    }

    private static AlertChannelFields Email(string[] to) => new() { Name = "Mail", Type = "email", EmailTo = to };

    private static string[] Addresses(int count) => Enumerable.Range(1, count).Select(i => $"person{i}@acme.example").ToArray();

    private static string Whsec(int bytes) => "whsec_" + Convert.ToBase64String(Enumerable.Range(1, bytes).Select(i => (byte)(i * 11)).ToArray());
}
