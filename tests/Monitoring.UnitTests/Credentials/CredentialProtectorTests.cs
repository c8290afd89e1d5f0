using System.Text;
using Monitoring.Grains.Credentials;

namespace Monitoring.UnitTests.Credentials;

public sealed class CredentialProtectorTests
{
    private static readonly EncryptionKey OldKey = EncryptionKey.Parse("0123456789abcdef0123456789abcdef");
    private static readonly EncryptionKey NewKey = EncryptionKey.Parse(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));

    [Fact]
    public void Round_trips_and_stores_no_plaintext()
    {
        var protector = new CredentialProtector(new EncryptionKeys(NewKey, null));

        var stored = protector.Protect("s3cret-päss", 42);

        Assert.StartsWith($"v1:{NewKey.Id}:", stored);
        Assert.DoesNotContain("s3cret", stored);
        Assert.Equal("s3cret-päss", protector.Unprotect(stored, 42));
    }

    [Fact]
    public void Uses_a_fresh_nonce_for_every_encryption()
    {
        var protector = new CredentialProtector(new EncryptionKeys(NewKey, null));

        var values = Enumerable.Range(0, 50).Select(_ => protector.Protect("same", 1)).ToList();

        Assert.Equal(50, values.Distinct().Count());
        var nonces = values.Select(v => Convert.ToBase64String(Convert.FromBase64String(v.Split(':')[2])[..12]));
        Assert.Equal(50, nonces.Distinct().Count());
    }

    [Fact]
    public void A_ciphertext_copied_to_another_service_does_not_decrypt()
    {
        var protector = new CredentialProtector(new EncryptionKeys(NewKey, null));
        var stored = protector.Protect("pw", 1);

        var error = Assert.Throws<CredentialException>(() => protector.Unprotect(stored, 2));
        Assert.DoesNotContain("pw", error.Message.Replace("service", string.Empty));
    }

    [Fact]
    public void A_tampered_ciphertext_does_not_decrypt()
    {
        var protector = new CredentialProtector(new EncryptionKeys(NewKey, null));
        var parts = protector.Protect("pw", 1).Split(':');
        var bytes = Convert.FromBase64String(parts[2]);
        bytes[^1] ^= 0x01;

        Assert.Throws<CredentialException>(() => protector.Unprotect($"{parts[0]}:{parts[1]}:{Convert.ToBase64String(bytes)}", 1));
    }

    [Fact]
    public void The_previous_key_still_decrypts_after_a_rotation_and_new_values_use_the_current_key()
    {
        var before = new CredentialProtector(new EncryptionKeys(OldKey, null));
        var stored = before.Protect("pw", 7);
        var after = new CredentialProtector(new EncryptionKeys(NewKey, OldKey));

        Assert.Equal("pw", after.Unprotect(stored, 7));
        Assert.False(after.IsCurrent(stored));
        Assert.True(after.IsCurrent(after.Protect("pw", 7)));
    }

    [Fact]
    public void A_value_under_an_unknown_key_names_the_key_id_not_the_value()
    {
        var stored = new CredentialProtector(new EncryptionKeys(OldKey, null)).Protect("pw", 7);
        var protector = new CredentialProtector(new EncryptionKeys(NewKey, null));

        var error = Assert.Throws<CredentialException>(() => protector.Unprotect(stored, 7));

        Assert.Contains(OldKey.Id, error.Message);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", true)]
    [InlineData("short", false)]
    [InlineData("0123456789abcdef0123456789abcdef0", false)]
    [InlineData("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e", false)]
    [InlineData("ééééééééééééééééééééééééééééééé1", false)]
    public void Accepts_32_characters_or_base64_of_32_bytes_and_nothing_else(string value, bool valid)
    {
        if (valid)
        {
            Assert.Equal(8, EncryptionKey.Parse(value).Id.Length);
        }
        else
        {
            Assert.Throws<FormatException>(() => EncryptionKey.Parse(value));
        }
    }

    [Fact]
    public void The_32_character_form_uses_the_characters_as_the_key_bytes_like_the_old_system()
    {
        var raw = EncryptionKey.Parse("0123456789abcdef0123456789abcdef");
        var same = EncryptionKey.Parse(Convert.ToBase64String(Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef")));

        Assert.Equal(raw.Id, same.Id);
    }
}
