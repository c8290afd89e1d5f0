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
            SqlMapper.AddTypeHandler(new HeaderListHandler());
        }
    }

    private sealed class UtcOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => ToUtc(value);

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.UtcDateTime;
    }

    /// <summary>Request headers travel as jsonb (a text parameter would not be cast to it).</summary>
    private sealed class HeaderListHandler : SqlMapper.TypeHandler<Monitors.HeaderList?>
    {
        public override Monitors.HeaderList? Parse(object value) => value is string json ? Monitors.HeaderList.FromJson(json) : null;

        public override void SetValue(IDbDataParameter parameter, Monitors.HeaderList? value)
        {
            ((Npgsql.NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb;
            parameter.Value = value is null ? DBNull.Value : value.ToJson();
        }
    }

    private static DateTimeOffset ToUtc(object value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset time => time.ToUniversalTime(),
        _ => throw new DataException($"expected a timestamptz, got {value.GetType().Name}"),
    };
}
