using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Grains.Interfaces;

/// <summary>
/// A heartbeat's ping token: 128 random bits as 22 URL-safe base64 characters (monitors.md). It is a secret: the
/// database holds its SHA-256 (to find the service by) and its ciphertext (to show it again), never the token.
/// </summary>
public static class PingToken
{
    public const int RandomBytes = 16;

    /// <summary>A new token from the system's cryptographic random generator.</summary>
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>SHA-256 of the token's UTF-8 bytes (32 bytes).</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether <paramref name="candidate"/> is <paramref name="stored"/>, compared in constant time.</summary>
    public static bool Matches(byte[]? stored, byte[] candidate) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(stored, candidate);

    /// <summary>Whether <paramref name="text"/> could be a token at all (URL-safe base64, a sane length), before any lookup.</summary>
    public static bool LooksLikeToken(string text) =>
        text.Length is >= 16 and <= 128 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
