using Npgsql;

namespace Monitoring.Sql;

/// <summary>
/// Turns DATABASE_URL into an Npgsql connection string. Accepts the URL form the old system used
/// (<c>postgresql://user:pass@host:port/db?sslmode=require</c>, also <c>postgres://</c>) and plain
/// Npgsql <c>Key=Value;</c> strings.
/// </summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new FormatException("it is empty");
        }

        value = value.Trim();
        var builder = value.Contains("://", StringComparison.Ordinal) ? FromUrl(value) : FromKeyValues(value);
        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new FormatException("it names no host");
        }

        if (string.IsNullOrEmpty(builder.Database))
        {
            throw new FormatException("it names no database");
        }

        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder FromKeyValues(string value)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"it is neither a postgresql:// URL nor a valid connection string ({ex.Message})");
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgresql" or "postgres"))
        {
            throw new FormatException("expected postgresql://user:password@host:port/database");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Uri.UnescapeDataString(uri.Host),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };

        if (uri.UserInfo.Length > 0)
        {
            var separator = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            var setting = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            ApplyUrlParameter(builder, key, setting);
        }

        return builder;
    }

    private static void ApplyUrlParameter(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        try
        {
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                default:
                    builder[key] = value;
                    break;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or KeyNotFoundException)
        {
            throw new FormatException($"its parameter '{key}' is not understood ({ex.Message})");
        }
    }
}
