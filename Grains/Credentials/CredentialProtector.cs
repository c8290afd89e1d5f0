using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Grains.Credentials;

/// <summary>
/// Encrypts Basic Auth passwords with AES-256-GCM: a fresh random 96-bit nonce for every encryption,
/// the service id as associated data (a ciphertext copied to another row does not decrypt), and the key
/// id in the stored text: <c>v1:&lt;key id&gt;:&lt;base64(nonce | ciphertext | tag)&gt;</c>.
/// </summary>
public sealed class CredentialProtector(EncryptionKeys keys)
{
    private const string Version = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Protect(string plaintext, long serviceId) => Protect(plaintext, ServiceContext(serviceId));

    public string Unprotect(string stored, long serviceId) => Unprotect(stored, ServiceContext(serviceId), $"service {serviceId}");

    /// <summary>
    /// Encrypts a secret of another row; <paramref name="context"/> names it (table/id/column) and is bound as
    /// associated data, so the ciphertext decrypts only for that row and column.
    /// </summary>
    public string Protect(string plaintext, string context)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.Current.Material, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(context));
        CryptographicOperations.ZeroMemory(plain);
        return $"{Version}:{keys.Current.Id}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>Decrypts what <see cref="Protect(string, string)"/> made for <paramref name="context"/>; <paramref name="owner"/> names it in errors.</summary>
    public string Unprotect(string stored, string context, string owner)
    {
        var parts = stored.Split(':');
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new CredentialException($"the stored credential of {owner} is not in a known format");
        }

        var key = keys.Find(parts[1])
            ?? throw new CredentialException($"the credential of {owner} was encrypted with key {parts[1]}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS");
        var sealedBytes = Convert.FromBase64String(parts[2]);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CredentialException($"the stored credential of {owner} is truncated");
        }

        var cipherLength = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key.Material, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, cipherLength), sealedBytes.AsSpan(NonceSize + cipherLength), plain, Encoding.UTF8.GetBytes(context));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CredentialException($"the stored credential of {owner} does not authenticate under {key}");
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Whether the stored value is already under the current key.</summary>
    public bool IsCurrent(string stored) => stored.StartsWith($"{Version}:{keys.Current.Id}:", StringComparison.Ordinal);

    private static string ServiceContext(long serviceId) => $"client_services/{serviceId}/basic_auth_password";
}
