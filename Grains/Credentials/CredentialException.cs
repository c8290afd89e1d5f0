namespace Monitoring.Grains.Credentials;

/// <summary>A stored credential cannot be decrypted. The message names the service and key id, never the value.</summary>
public sealed class CredentialException(string message) : Exception(message);
