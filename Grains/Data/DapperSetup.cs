using System.Data;
using Dapper;

namespace Monitoring.Grains.Data;

/// <summary>
/// Dapper's process-wide settings for this schema: timestamptz columns arrive as UTC DateTime from Npgsql and
/// are read into DateTimeOffset properties (UTC), and are sent as UTC.
/// </summary>
internal static class DapperSetup
{
    private static int done;

    public static void Ensure()
    {
        if (Interlocked.Exchange(ref done, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new UtcOffsetHandler());
            SqlMapper.AddTypeHandler(new NullableUtcOffsetHandler());
        }
    }

    private sealed class UtcOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => ToUtc(value);

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.UtcDateTime;
    }

    private sealed class NullableUtcOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset?>
    {
        public override DateTimeOffset? Parse(object value) => value is DBNull ? null : ToUtc(value);

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset? value) =>
            parameter.Value = value is { } time ? time.UtcDateTime : DBNull.Value;
    }

    private static DateTimeOffset ToUtc(object value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset time => time.ToUniversalTime(),
        _ => throw new DataException($"expected a timestamptz, got {value.GetType().Name}"),
    };
}
