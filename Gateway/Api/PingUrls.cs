using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Monitoring.Gateway.Hosting;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Sql;

namespace Monitoring.Gateway.Api;

/// <summary>
/// Makes a heartbeat's <c>ping_url</c>: <c>{PUBLIC_URL}/ping/{token}</c> (monitors.md). <c>PUBLIC_URL</c> is where jobs
/// reach the gateways (a load balancer's address); unset, this gateway's own <c>http://HOST:PORT</c> (the bound port
/// when PORT is 0).
/// </summary>
public sealed class PingUrls(IConfiguration configuration, GatewaySettings settings, IServer server)
{
    private readonly string? configured = Read(configuration["PUBLIC_URL"]);
    private string? own;

    /// <summary>The base the paths are put under, without a trailing slash.</summary>
    public string Base => configured ?? (own ??= Own());

    /// <summary>The record with its ping_url (a record without a token is returned as it is).</summary>
    public ServiceRecord Complete(ServiceRecord record) =>
        record.PingToken is { } token ? record with { PingUrl = $"{Base}/ping/{token}" } : record;

    public Page<ServiceRecord> Complete(Page<ServiceRecord> page) =>
        page.Data.Any(r => r.PingToken is not null) ? page with { Data = page.Data.Select(Complete).ToArray() } : page;

    public Outcome<ServiceRecord> Complete(Outcome<ServiceRecord> outcome) =>
        outcome.Value is { } record ? outcome with { Value = Complete(record) } : outcome;

    /// <summary>Checks PUBLIC_URL at start: an absolute http(s) URL without query or fragment.</summary>
    public static string? Read(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim().TrimEnd('/');
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? text
            : throw new SettingException("PUBLIC_URL", $"must be an absolute http:// or https:// URL such as https://monitor.example.com, not '{value}'");
    }

    private string Own()
    {
        if (settings.Port != 0)
        {
            return settings.Url;
        }

        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return bound?.TrimEnd('/') ?? settings.Url;
    }
}
