using Dapper;
using Monitoring.Grains.Data;
using Npgsql;

namespace Monitoring.Grains.Alerting;

/// <summary>The SQL of alert_channels. Rows are read and written by column name (Dapper).</summary>
public sealed class ChannelStore(NpgsqlDataSource dataSource)
{
    /// <summary>The columns of alert_channels_view (the table with its latest attempt's outcome).</summary>
    public const string Columns =
        "id, client_id, name, type, url, url_ciphertext, secret_ciphertext, email_to, enabled, send_resolved, last_delivery_at, last_delivery_state, last_error, created_at, updated_at";

    static ChannelStore() => DapperSetup.Ensure();

    public async Task<long> ReserveIdAsync()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT nextval(pg_get_serial_sequence('alert_channels', 'id'))");
    }

    public async Task<ChannelRow?> LoadAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<ChannelRow>($"SELECT {Columns} FROM alert_channels_view WHERE id = @id", new { id });
    }

    /// <summary>Inserts the row under its reserved id; null when its client does not exist.</summary>
    public async Task<ChannelRow?> InsertAsync(ChannelRow row)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        try
        {
            await connection.ExecuteAsync("""
                INSERT INTO alert_channels (id, client_id, name, type, url, url_ciphertext, secret_ciphertext, email_to, enabled, send_resolved)
                VALUES (@Id, @ClientId, @Name, @Type, @Url, @UrlCiphertext, @SecretCiphertext, @EmailTo, @Enabled, @SendResolved)
                """, row);
            return await connection.QuerySingleAsync<ChannelRow>($"SELECT {Columns} FROM alert_channels_view WHERE id = @Id", row);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return null;
        }
    }

    /// <summary>Writes every writable field; null when the row is gone.</summary>
    public async Task<ChannelRow?> UpdateAsync(ChannelRow row)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var updated = await connection.ExecuteAsync("""
            UPDATE alert_channels SET name = @Name, url = @Url, url_ciphertext = @UrlCiphertext, secret_ciphertext = @SecretCiphertext,
                email_to = @EmailTo, enabled = @Enabled, send_resolved = @SendResolved
            WHERE id = @Id
            """, row);
        return updated == 0 ? null : await connection.QuerySingleOrDefaultAsync<ChannelRow>($"SELECT {Columns} FROM alert_channels_view WHERE id = @Id", row);
    }

    /// <summary>Deletes the channel and its deliveries; false when it was gone.</summary>
    public async Task<bool> DeleteAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("DELETE FROM alert_channels WHERE id = @id", new { id }) > 0;
    }

    /// <summary>The services whose alert_channel_ids name the channel.</summary>
    public async Task<long[]> ServicesUsingAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<long>("SELECT id FROM client_services WHERE @id = ANY(alert_channel_ids) ORDER BY id", new { id })).ToArray();
    }

    /// <summary>Those of <paramref name="ids"/> that are neither channels of <paramref name="clientId"/> nor shared ones.</summary>
    public async Task<long[]> NotUsableByAsync(long clientId, long[] ids)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        var usable = await connection.QueryAsync<long>(
            "SELECT id FROM alert_channels WHERE id = ANY(@ids) AND (client_id = @clientId OR client_id IS NULL)", new { ids, clientId });
        return ids.Except(usable).ToArray();
    }

    /// <summary>Every channel with a stored secret (for <c>reencrypt-credentials</c>).</summary>
    public async Task<long[]> WithSecretsAsync()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<long>(
            "SELECT id FROM alert_channels WHERE url_ciphertext IS NOT NULL OR secret_ciphertext IS NOT NULL ORDER BY id")).ToArray();
    }
}
