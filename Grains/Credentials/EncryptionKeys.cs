using Microsoft.Extensions.Configuration;
using Monitoring.Sql;

namespace Monitoring.Grains.Credentials;

/// <summary>
/// ENCRYPTION_KEY encrypts every new value; ENCRYPTION_KEY_PREVIOUS (optional) still decrypts values
/// written before a rotation, until `reencrypt-credentials` has moved them to the current key.
/// </summary>
public sealed record EncryptionKeys(EncryptionKey Current, EncryptionKey? Previous)
{
    public static EncryptionKeys Read(IConfiguration configuration)
    {
        var current = configuration["ENCRYPTION_KEY"];
        if (string.IsNullOrEmpty(current))
        {
            throw new SettingException("ENCRYPTION_KEY", "is required: 32 characters or the base64 of 32 bytes");
        }

        var previous = configuration["ENCRYPTION_KEY_PREVIOUS"];
        return new EncryptionKeys(
            ParseSetting("ENCRYPTION_KEY", current),
            string.IsNullOrEmpty(previous) ? null : ParseSetting("ENCRYPTION_KEY_PREVIOUS", previous));
    }

    public EncryptionKey? Find(string id) =>
        Current.Id == id ? Current : Previous?.Id == id ? Previous : null;

    private static EncryptionKey ParseSetting(string name, string value)
    {
        try
        {
            return EncryptionKey.Parse(value);
        }
        catch (FormatException ex)
        {
            throw new SettingException(name, ex.Message);
        }
    }
}
