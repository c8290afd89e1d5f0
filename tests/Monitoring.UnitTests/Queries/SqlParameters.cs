using System.Collections;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.UnitTests.Queries;

internal static class SqlParameters
{
    /// <summary>A parameter as "Type:value" (arrays as "Type[]:[a, b]"), strings quoted and times in UTC.</summary>
    public static string Render(NpgsqlParameter parameter)
    {
        var isArray = (parameter.NpgsqlDbType & NpgsqlDbType.Array) != 0;
        var type = parameter.NpgsqlDbType & ~NpgsqlDbType.Array;
        var value = isArray
            ? $"[{string.Join(", ", ((IEnumerable)parameter.Value!).Cast<object>().Select(RenderValue))}]"
            : RenderValue(parameter.Value);
        return $"{type}{(isArray ? "[]" : string.Empty)}:{value}";
    }

    private static string RenderValue(object? value) => value switch
    {
        string text => $"'{text}'",
        long number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        DateTime time => $"{time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)}({time.Kind})",
        _ => throw new ArgumentException($"unexpected parameter value {value?.GetType().Name ?? "null"}", nameof(value)),
    };
}
