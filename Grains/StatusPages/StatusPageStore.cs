using Dapper;
using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;

namespace Monitoring.Grains.StatusPages;

/// <summary>The SQL of status_pages, and of the incidents a page shows.</summary>
public sealed class StatusPageStore(NpgsqlDataSource dataSource)
{
    public const string Columns = "id, client_id, slug, title, description, service_ids, public, created_at, updated_at";

    /// <summary>At most this many resolved incidents a page shows per service (the newest); open ones are all shown (one per service at most).</summary>
    public const int MaxResolvedPerService = 20;

    static StatusPageStore() => DapperSetup.Ensure();

    public async Task<StatusPageRow?> LoadAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<StatusPageRow>($"SELECT {Columns} FROM status_pages WHERE id = @id", new { id });
    }

    public async Task<StatusPageRow?> LoadBySlugAsync(string slug)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<StatusPageRow>($"SELECT {Columns} FROM status_pages WHERE slug = @slug", new { slug });
    }

    public async Task<StatusPageRow> InsertAsync(StatusPageRow row)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<StatusPageRow>($"""
            INSERT INTO status_pages (client_id, slug, title, description, service_ids, public)
            VALUES (@ClientId, @Slug, @Title, @Description, @ServiceIds, @Public)
            RETURNING {Columns}
            """, row);
    }

    /// <summary>Writes every field; null when the row is gone.</summary>
    public async Task<StatusPageRow?> UpdateAsync(StatusPageRow row)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<StatusPageRow>($"""
            UPDATE status_pages SET slug = @Slug, title = @Title, description = @Description, service_ids = @ServiceIds, public = @Public
            WHERE id = @Id RETURNING {Columns}
            """, row);
    }

    public async Task<bool> DeleteAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("DELETE FROM status_pages WHERE id = @id", new { id }) > 0;
    }

    /// <summary>
    /// The incidents of <paramref name="serviceIds"/> open now, and the newest <see cref="MaxResolvedPerService"/> of
    /// each resolved since <paramref name="since"/>; newest first.
    /// </summary>
    public async Task<PageIncident[]> IncidentsAsync(long[] serviceIds, DateTimeOffset since)
    {
        if (serviceIds.Length == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<IncidentLine>("""
            SELECT id, service_id, severity, started_at, resolved_at FROM (
                SELECT id, service_id, severity, started_at, resolved_at, status,
                       row_number() OVER (PARTITION BY service_id, status ORDER BY started_at DESC, id DESC) AS rank
                FROM incidents
                WHERE service_id = ANY(@serviceIds) AND (status = 'open' OR resolved_at >= @since)) i
            WHERE status = 'open' OR rank <= @perService
            ORDER BY started_at DESC, id DESC
            """, new { serviceIds, since, perService = MaxResolvedPerService });
        return rows.Select(r => new PageIncident(r.Id, r.ServiceId, r.Severity, r.StartedAt, r.ResolvedAt)).ToArray();
    }
}

/// <summary>The columns of an incident a page shows.</summary>
internal sealed record IncidentLine
{
    public long Id { get; init; }
    public long ServiceId { get; init; }
    public string Severity { get; init; } = string.Empty;
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
}

/// <summary>A status_pages row, read and written by column name.</summary>
public sealed record StatusPageRow
{
    public long Id { get; init; }
    public long ClientId { get; init; }
    public string Slug { get; init; } = string.Empty;
    public string Title { get; init; } = string.Empty;
    public string? Description { get; init; }
    public long[] ServiceIds { get; init; } = [];
    public bool Public { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public StatusPageRecord ToRecord() => new()
    {
        Id = Id,
        ClientId = ClientId,
        Slug = Slug,
        Title = Title,
        Description = Description,
        ServiceIds = ServiceIds,
        Public = Public,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };
}
