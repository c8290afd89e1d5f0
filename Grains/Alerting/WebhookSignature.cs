using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Grains.Alerting;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com, "Signature scheme"): the secret is
/// <c>whsec_</c> + base64 of 24–64 random bytes; a signature is <c>v1,</c> + base64 of HMAC-SHA256 keyed with
/// the decoded bytes over <c>{webhook-id}.{webhook-timestamp}.{body}</c>.
/// </summary>
public static class WebhookSignature
{
    public const string Prefix = "whsec_";
    public const int MinKeyBytes = 24;
    public const int MaxKeyBytes = 64;

    /// <summary>A new secret of 32 random bytes.</summary>
    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether <paramref name="secret"/> is <c>whsec_</c> + base64 of 24–64 bytes.</summary>
    public static bool IsValidSecret(string secret) => TryDecode(secret, out _);

    /// <summary>The <c>webhook-signature</c> header value for one attempt; <paramref name="timestamp"/> in Unix seconds.</summary>
    public static string Sign(string secret, string webhookId, long timestamp, string body)
    {
        if (!TryDecode(secret, out var key))
        {
            throw new ArgumentException("not a whsec_ secret", nameof(secret));
        }

        var signed = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    private static bool TryDecode(string secret, out byte[] key)
    {
        key = [];
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = secret[Prefix.Length..];
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written) || written is < MinKeyBytes or > MaxKeyBytes)
        {
            return false;
        }

        key = buffer[..written];
        return true;
    }
}
