using Monitoring.Hosting;
using Monitoring.Sql;

namespace Monitoring.Gateway.Hosting;

/// <summary>What a gateway needs to start: the database, where to listen, the API keys and the fleet's name.</summary>
public sealed record GatewaySettings(
    DatabaseSettings Database, string Host, int Port, IReadOnlyList<ApiKey> ApiKeys, FleetName Fleet)
{
    public static GatewaySettings Read(IConfiguration configuration) => new(
        DatabaseSettings.Read(configuration),
        string.IsNullOrWhiteSpace(configuration["HOST"]) ? "localhost" : configuration["HOST"]!.Trim(),
        ReadPort(configuration["PORT"]),
        ReadApiKeys(configuration["API_KEYS"]),
        FleetName.Read(configuration));

    public string Url => $"http://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";

    private static int ReadPort(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return 3030;
        }

        return int.TryParse(value, out var port) && port is >= 0 and < 65536
            ? port
            : throw new SettingException("PORT", $"must be a TCP port (0-65535), not '{value}'");
    }

    /// <summary>Parses <c>key1,key2:clientId</c>: comma-separated keys, each optionally scoped to a client id.</summary>
    internal static IReadOnlyList<ApiKey> ReadApiKeys(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SettingException("API_KEYS", "is required: a comma-separated list of keys, each optionally 'key:client_id'");
        }

        var keys = new List<ApiKey>();
        foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.LastIndexOf(':');
            if (separator < 0)
            {
                keys.Add(new ApiKey(entry, null));
                continue;
            }

            var key = entry[..separator];
            var scope = entry[(separator + 1)..];
            if (key.Length == 0 || !long.TryParse(scope, out var clientId) || clientId <= 0)
            {
                throw new SettingException("API_KEYS", $"has an entry that is not 'key' or 'key:client_id' (entry {keys.Count + 1})");
            }

            keys.Add(new ApiKey(key, clientId));
        }

        return keys.Count > 0 ? keys : throw new SettingException("API_KEYS", "lists no key");
    }
}
