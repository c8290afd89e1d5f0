using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Grains.Credentials;

/// <summary>
/// A 256-bit key and its id. The id (derived from the key, not secret) is stored with every ciphertext
/// so that a rotated key can still be told apart and used for decryption.
/// </summary>
public sealed class EncryptionKey
{
    private EncryptionKey(byte[] material)
    {
        Material = material;
        Id = Convert.ToHexStringLower(SHA256.HashData([.. "monitoring-key-id:"u8, .. material]))[..8];
    }

    public string Id { get; }

    internal byte[] Material { get; }

    /// <summary>
    /// Accepts what the old system took (32 characters, used as their bytes) or the base64 of 32 bytes.
    /// </summary>
    public static EncryptionKey Parse(string value)
    {
        if (value.Length == 32 && Encoding.UTF8.GetByteCount(value) == 32)
        {
            return new EncryptionKey(Encoding.UTF8.GetBytes(value));
        }

        var buffer = new byte[48];
        if (Convert.TryFromBase64String(value.Trim(), buffer, out var written) && written == 32)
        {
            return new EncryptionKey(buffer[..32]);
        }

        throw new FormatException("must be 32 characters, or the base64 of 32 random bytes (e.g. `head -c 32 /dev/urandom | base64`)");
    }

    public override string ToString() => $"key {Id}";
}
