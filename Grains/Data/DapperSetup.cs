using System.Data;
using Dapper;

namespace Monitoring.Grains.Data;

/// <summary>
/// Dapper's process-wide settings for this schema: a NULL column sets its property to null (Dapper's default
/// would leave the property's initializer, so a NULL degraded_threshold_ms would read as 2000), and
/// timestamptz columns, which arrive as UTC DateTime from Npgsql, are read into DateTimeOffset properties.
/// </summary>
internal static class DapperSetup
{
    private static int done;

    public static void Ensure()
    {
        if (Interlocked.Exchange(ref done, 1) == 0)
        {
            SqlMapper.Settings.ApplyNullValues = true;
            DefaultTypeMap.MatchNamesWithUnderscores = true;
            SqlMapper.AddTypeHandler(new UtcOffsetHandler());
        }
    }

    private sealed class UtcOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => ToUtc(value);

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.UtcDateTime;
    }

    private static DateTimeOffset ToUtc(object value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset time => time.ToUniversalTime(),
        _ => throw new DataException($"expected a timestamptz, got {value.GetType().Name}"),
    };
}
