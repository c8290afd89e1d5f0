using Dapper;
using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Grains.Maintenance;

/// <summary>The SQL of maintenance_windows: the rows behind the API and the rules the silos' calendars hold.</summary>
public sealed class MaintenanceStore(NpgsqlDataSource dataSource)
{
    public const string Columns = "id, client_id, name, service_ids, starts_at, ends_at, cron_schedule, cron_timezone, duration_minutes, created_at, updated_at";

    static MaintenanceStore() => DapperSetup.Ensure();

    public async Task<MaintenanceWindowRow?> LoadAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<MaintenanceWindowRow>($"SELECT {Columns} FROM maintenance_windows WHERE id = @id", new { id });
    }

    public async Task<MaintenanceWindowRow> InsertAsync(MaintenanceWindowRow row)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<MaintenanceWindowRow>($"""
            INSERT INTO maintenance_windows (client_id, name, service_ids, starts_at, ends_at, cron_schedule, cron_timezone, duration_minutes)
            VALUES (@ClientId, @Name, @ServiceIds, @StartsAt, @EndsAt, @CronSchedule, @CronTimezone, @DurationMinutes)
            RETURNING {Columns}
            """, row);
    }

    /// <summary>Writes every field; null when the row is gone.</summary>
    public async Task<MaintenanceWindowRow?> UpdateAsync(MaintenanceWindowRow row)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<MaintenanceWindowRow>($"""
            UPDATE maintenance_windows SET name = @Name, service_ids = @ServiceIds, starts_at = @StartsAt, ends_at = @EndsAt,
                cron_schedule = @CronSchedule, cron_timezone = @CronTimezone, duration_minutes = @DurationMinutes
            WHERE id = @Id RETURNING {Columns}
            """, row);
    }

    public async Task<bool> DeleteAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("DELETE FROM maintenance_windows WHERE id = @id", new { id }) > 0;
    }

    /// <summary>
    /// Changes when any window is added, changed or removed (a digest of every id and updated_at, so an edit that
    /// commits after a later one is not missed): the calendar reloads only then. Windows are few; this reads them all.
    /// </summary>
    internal static Task<string> FingerprintAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT count(*) || '/' || md5(coalesce(string_agg(id::text || ':' || updated_at::text, ',' ORDER BY id), '')) FROM maintenance_windows",
            cancellationToken: cancellationToken));

    internal static async Task<IReadOnlyList<MaintenanceRule>> LoadRulesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<MaintenanceWindowRow>(new CommandDefinition($"SELECT {Columns} FROM maintenance_windows", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRule()).ToList();
    }
}

/// <summary>A maintenance_windows row, read and written by column name.</summary>
public sealed record MaintenanceWindowRow
{
    public long Id { get; init; }
    public long ClientId { get; init; }
    public string Name { get; init; } = string.Empty;
    public long[] ServiceIds { get; init; } = [];
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public string? CronSchedule { get; init; }
    public string? CronTimezone { get; init; }
    public int? DurationMinutes { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The window as the calendar checks it (a cron that no longer parses covers nothing).</summary>
    public MaintenanceRule ToRule()
    {
        Scheduling.CronSchedule? cron = null;
        if (CronSchedule is { } text && !Scheduling.CronSchedule.TryParse(text, CronTimezone ?? "UTC", out cron, out _))
        {
            cron = null;
        }

        return new MaintenanceRule(Id, ClientId, ServiceIds.ToHashSet(), StartsAt, EndsAt, cron, TimeSpan.FromMinutes(DurationMinutes ?? 0));
    }

    public MaintenanceWindowRecord ToRecord(DateTimeOffset now) => new()
    {
        Id = Id,
        ClientId = ClientId,
        Name = Name,
        ServiceIds = ServiceIds,
        StartsAt = StartsAt,
        EndsAt = EndsAt,
        CronSchedule = CronSchedule,
        CronTimezone = CronSchedule is null ? null : CronTimezone ?? "UTC",
        DurationMinutes = DurationMinutes,
        Active = ToRule().IsOpenAt(now),
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };
}
