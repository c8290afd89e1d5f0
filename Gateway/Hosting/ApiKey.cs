namespace Monitoring.Gateway.Hosting;

/// <summary>A configured API key: an admin key (no client) or a key scoped to one client.</summary>
public sealed record ApiKey(string Value, long? ClientId)
{
    public override string ToString() => ClientId is null ? "admin key" : $"key of client {ClientId}";
}
