using System.Globalization;
using System.Text.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Api;

/// <summary>
/// Reads the fields of a JSON body with their JSON types checked: an omitted field stays unset, null is
/// kept as null, a value of the wrong type is recorded as an error. Read-only fields (as a dashboard sends
/// back a record it got) are ignored; unknown fields are errors.
/// </summary>
public sealed class FieldBinder(JsonElement body)
{
    private readonly Dictionary<string, string> errors = [];
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Errors => errors;

    /// <summary>A string field; NUL characters are refused (PostgreSQL text cannot hold them).</summary>
    public Optional<string?> Text(string name) => Bind(name, value => value.ValueKind switch
    {
        JsonValueKind.String => TextOf(name, value),
        _ => Wrong(name, "must be a string"),
    });

    public Optional<Secret?> Secret(string name)
    {
        var text = Text(name);
        return text.IsSet ? new Optional<Secret?>(true, text.Value is null ? null : new Secret(text.Value)) : default;
    }

    /// <summary>An integer, also as a string of digits (form values arrive as strings; Knex took them too).</summary>
    public Optional<int?> Integer(string name) => Bind<int?>(name, value => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var number) => number,
        JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => Wrong<int?>(name, "must be an integer"),
    });

    public Optional<long?> Id(string name) => Bind<long?>(name, value => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var number) && number > 0 => number,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 => parsed,
        _ => Wrong<long?>(name, "must be a positive integer id"),
    });

    /// <summary>An array of positive integer ids (numbers or strings of digits).</summary>
    public Optional<long[]?> IdList(string name) => Bind<long[]?>(name, value =>
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Wrong<long[]?>(name, "must be an array of positive integer ids");
        }

        var ids = new List<long>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var number) && number > 0)
            {
                ids.Add(number);
            }
            else if (item.ValueKind == JsonValueKind.String && long.TryParse(item.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            {
                ids.Add(parsed);
            }
            else
            {
                return Wrong<long[]?>(name, "must be an array of positive integer ids");
            }
        }

        return ids.ToArray();
    });

    /// <summary>An array of strings (each checked like <see cref="Text"/>).</summary>
    public Optional<string[]?> TextList(string name) => Bind<string[]?>(name, value =>
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Wrong<string[]?>(name, "must be an array of strings");
        }

        var texts = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || TextOf(name, item) is not { } text)
            {
                return Wrong<string[]?>(name, "must be an array of strings");
            }

            texts.Add(text);
        }

        return texts.ToArray();
    });

    /// <summary>An object whose values are strings (such as request headers), in the order given.</summary>
    public Optional<KeyValuePair<string, string>[]?> TextMap(string name) => Bind<KeyValuePair<string, string>[]?>(name, value =>
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Wrong<KeyValuePair<string, string>[]?>(name, "must be an object whose values are strings");
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var property in value.EnumerateObject())
        {
            string key;
            try
            {
                key = property.Name;
            }
            catch (InvalidOperationException)
            {
                return Wrong<KeyValuePair<string, string>[]?>(name, "must have names that are valid text");
            }

            if (property.Value.ValueKind != JsonValueKind.String || TextOf(name, property.Value) is not { } text)
            {
                return Wrong<KeyValuePair<string, string>[]?>(name, "must be an object whose values are strings");
            }

            pairs.Add(KeyValuePair.Create(key, text));
        }

        return pairs.ToArray();
    });

    /// <summary>A time (ISO 8601 with an offset or Z).</summary>
    public Optional<DateTimeOffset?> Time(string name) => Bind<DateTimeOffset?>(name, value =>
        value.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : Wrong<DateTimeOffset?>(name, "must be an ISO 8601 time such as 2026-01-31T09:00:00.000Z"));

    public Optional<bool?> Boolean(string name) => Bind<bool?>(name, value => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
        JsonValueKind.String when value.GetString() is "true" or "false" => value.GetString() == "true",
        _ => Wrong<bool?>(name, "must be true or false"),
    });

    /// <summary>Records every property that is neither bound nor one of <paramref name="readOnly"/> as an error.</summary>
    public void RejectUnknown(IReadOnlyCollection<string> readOnly)
    {
        foreach (var property in body.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                errors["(field name)"] = "is not valid text";
                continue;
            }

            if (!read.Contains(name) && !readOnly.Contains(name))
            {
                errors[name.Length <= 64 ? name : name[..64]] = "is not a field of this resource";
            }
        }
    }

    private Optional<T> Bind<T>(string name, Func<JsonElement, T> convert)
    {
        read.Add(name);
        if (!body.TryGetProperty(name, out var value))
        {
            return default;
        }

        return value.ValueKind == JsonValueKind.Null ? new Optional<T>(true, default!) : new Optional<T>(true, convert(value));
    }

    private string? TextOf(string name, JsonElement value)
    {
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800) is valid JSON but not text.
            return Wrong(name, "must be valid text");
        }

        return text.Contains('\0', StringComparison.Ordinal) ? Wrong(name, "must not contain NUL characters") : text;
    }

    private string? Wrong(string name, string reason) => Wrong<string?>(name, reason);

    private T Wrong<T>(string name, string reason)
    {
        errors[name] = reason;
        return default!;
    }
}
