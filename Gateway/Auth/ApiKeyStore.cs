using System.Security.Cryptography;
using System.Text;
using Monitoring.Gateway.Hosting;

namespace Monitoring.Gateway.Auth;

/// <summary>
/// The configured API keys, kept as SHA-256 digests. A presented key is hashed and compared with every
/// digest in constant time, without stopping at the first match, so timing tells nothing about the keys.
/// </summary>
public sealed class ApiKeyStore(GatewaySettings settings)
{
    private readonly (byte[] Digest, ApiKey Key)[] keys = settings.ApiKeys.Select(k => (Digest(k.Value), k)).ToArray();

    public ApiKey? Find(string presented)
    {
        var digest = Digest(presented);
        ApiKey? match = null;
        foreach (var (candidate, key) in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest))
            {
                match ??= key;
            }
        }

        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
