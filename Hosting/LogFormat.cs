using Microsoft.Extensions.Configuration;
using Monitoring.Sql;

namespace Monitoring.Hosting;

/// <summary>
/// <c>LOG_FORMAT</c>: <c>text</c> (default: one line per event, as appsettings.json sets the console) or <c>json</c>
/// (one JSON object per line: timestamp in UTC, level, category, message, and the message's fields, such as
/// <c>ServiceId</c>, as properties of <c>State</c>; no logging scopes). It covers the silo and gateway processes, not
/// the scripts around them. Chosen through the console logger's own settings, so it takes the
/// formatter ASP.NET Core and the generic host already bring.
/// </summary>
public static class LogFormat
{
    public const string Setting = "LOG_FORMAT";

    /// <summary>Applies <c>LOG_FORMAT</c> to <paramref name="configuration"/>; an unknown value stops the process naming the setting.</summary>
    public static void Apply(IConfigurationManager configuration)
    {
        switch (configuration[Setting]?.Trim().ToLowerInvariant())
        {
            case null or "" or "text":
                return;
            case "json":
                configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Logging:Console:FormatterName"] = "json",
                    // No scopes: ASP.NET Core's request scope carries the path, and a ping's path carries its token.
                    ["Logging:Console:FormatterOptions:IncludeScopes"] = "false",
                    ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
                    ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
                    ["Logging:Console:FormatterOptions:JsonWriterOptions:Indented"] = "false",
                });
                return;
            default:
                throw new SettingException(Setting, $"must be text or json, not '{configuration[Setting]}'");
        }
    }
}
