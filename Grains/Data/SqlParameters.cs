using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.Data;

/// <summary>Typed positional parameters ($1, $2, ...) without boxing surprises.</summary>
internal static class SqlParameters
{
    public static NpgsqlCommand With<T>(this NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }

    public static NpgsqlCommand WithNullable<T>(this NpgsqlCommand command, T? value, NpgsqlDbType type)
        where T : class
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = (object?)value ?? DBNull.Value });
        return command;
    }

    public static NpgsqlCommand WithNullable<T>(this NpgsqlCommand command, T? value, NpgsqlDbType type)
        where T : struct
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value.HasValue ? value.Value : DBNull.Value });
        return command;
    }

    public static DateTimeOffset GetTime(this DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? GetNullableInt32(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>A time as PostgreSQL stores it for the API: UTC, millisecond precision.</summary>
    public static DateTimeOffset ToMilliseconds(this DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
