using System.Security.Cryptography;
using System.Text;
using Monitoring.Grains.Alerting;

namespace Monitoring.UnitTests.Alerting;

/// <summary>
/// alerting.md, "What receivers get" and "alert-channels": a webhook's signing secret is <c>whsec_</c> + base64
/// of 24–64 bytes, and <c>webhook-signature</c> is <c>v1,</c> + base64 of HMAC-SHA256, keyed with the secret's
/// decoded bytes, over <c>{webhook-id}.{webhook-timestamp}.{body}</c> (Standard Webhooks).
/// </summary>
public sealed class WebhookSignatureTests
{
    // The reference example of the Standard Webhooks specification.
    private const string ReferenceSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string ReferenceId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long ReferenceTimestamp = 1614265330;
    private const string ReferenceBody = "{\"test\": 2432232314}";
    private const string ReferenceSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Signs_the_standard_webhooks_reference_example()
    {
        Assert.Equal(ReferenceSignature, WebhookSignature.Sign(ReferenceSecret, ReferenceId, ReferenceTimestamp, ReferenceBody));
    }

    [Fact]
    public void The_reference_signature_is_what_the_contracts_algorithm_gives()
    {
        // HMAC-SHA256 keyed with the decoded secret over "{id}.{timestamp}.{body}", written out by hand.
        var key = Convert.FromBase64String(ReferenceSecret["whsec_".Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{ReferenceId}.{ReferenceTimestamp}.{ReferenceBody}"));

        Assert.Equal(ReferenceSignature, "v1," + Convert.ToBase64String(mac));
    }

    /// <summary>Each row changes one of the three signed parts: the signature must change with it.</summary>
    [Theory]
    [InlineData("msg_p5jXN8AQM9LWM0D4loKWxJeK", ReferenceTimestamp, ReferenceBody)]
    [InlineData(ReferenceId, ReferenceTimestamp + 1, ReferenceBody)]
    [InlineData(ReferenceId, ReferenceTimestamp, "{\"test\": 2432232315}")]
    [InlineData(ReferenceId, ReferenceTimestamp, "{\"test\":2432232314}")]
    public void Every_signed_part_counts(string id, long timestamp, string body)
    {
        var signature = WebhookSignature.Sign(ReferenceSecret, id, timestamp, body);

        Assert.StartsWith("v1,", signature, StringComparison.Ordinal);
        Assert.NotEqual(ReferenceSignature, signature);
    }

    [Fact]
    public void Signs_the_utf8_bytes_of_a_body_with_non_ascii_text()
    {
        const string body = "{\"service\":\"Kasse Zürich — 東京\"}";
        var secret = Secret(32);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"dlv_42.1700000000.{body}")));

        Assert.Equal(expected, WebhookSignature.Sign(secret, "dlv_42", 1700000000, body));
    }

    /// <summary>Each row: how many random bytes the base64 holds, and whether that is a valid secret.</summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(16, false)]
    [InlineData(23, false)]
    [InlineData(24, true)]
    [InlineData(25, true)]
    [InlineData(32, true)]
    [InlineData(63, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData(128, false)]
    public void A_secret_holds_24_to_64_bytes(int bytes, bool valid)
    {
        Assert.Equal(valid, WebhookSignature.IsValidSecret(Secret(bytes)));
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec")]
    [InlineData("whsec_")]
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS")]
    [InlineData("whsec_not base64 at all, not even close")]
    [InlineData("")]
    public void A_secret_without_the_prefix_or_with_bad_base64_is_refused(string secret)
    {
        Assert.False(WebhookSignature.IsValidSecret(secret));
    }

    [Fact]
    public void The_reference_secret_is_valid()
    {
        Assert.True(WebhookSignature.IsValidSecret(ReferenceSecret));
    }

    [Fact]
    public void A_new_secret_is_valid_and_differs_each_time()
    {
        var secrets = Enumerable.Range(0, 20).Select(_ => WebhookSignature.NewSecret()).ToList();

        Assert.All(secrets, s => Assert.StartsWith("whsec_", s, StringComparison.Ordinal));
        Assert.All(secrets, s => Assert.True(WebhookSignature.IsValidSecret(s), s));
        Assert.All(secrets, s => Assert.InRange(Convert.FromBase64String(s["whsec_".Length..]).Length, 24, 64));
        Assert.Equal(secrets.Count, secrets.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("not-a-secret")]
    [InlineData("whsec_AAAA")]
    public void Signing_with_an_invalid_secret_throws(string secret)
    {
        Assert.Throws<ArgumentException>(() => WebhookSignature.Sign(secret, "dlv_1", 1, "{}"));
    }

    private static string Secret(int bytes) => "whsec_" + Convert.ToBase64String(Enumerable.Range(1, bytes).Select(i => (byte)(i * 37)).ToArray());
}
