using Monitoring.Grains.Data;
using Monitoring.Grains.Services;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.History;

/// <summary>A service's row written and read back by column name: every field, nulls included, comes back as it went in.</summary>
public sealed class ServiceStoreTests
{
    public static TheoryData<string, Func<ServiceConfig, ServiceConfig>> Variants() => new()
    {
        { "defaults", c => c },
        { "nulls", c => c with { DegradedThresholdMs = null, BasicAuthUsername = null, PasswordCiphertext = null } },
        { "everything set", c => c with { Method = "HEAD", ExpectedStatusCode = 204, TimeoutMs = 100, DegradedThresholdMs = 1, CronSchedule = "0 0 1-7 * 1", CronTimezone = "Europe/Berlin", Enabled = false, BasicAuthUsername = "u", PasswordCiphertext = "v1:abcd:xyz" } },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task A_row_reads_back_as_it_was_written(string name, Func<ServiceConfig, ServiceConfig> vary)
    {
        await using var database = await TestDatabase.CreateAsync();
        var store = new ServiceStore(database.DataSource);
        var client = await database.ScalarAsync<long>("INSERT INTO clients (name) VALUES ('c') RETURNING id");
        var id = await store.ReserveIdAsync();
        var config = vary(new ServiceConfig { Id = id, ClientId = client, Name = name, EndpointUrl = "http://127.0.0.1:1/health" });

        // Act: insert, load; update, load.
        var inserted = (await store.InsertAsync(config)).Value!;
        var loaded = (await store.LoadAsync(id))!.Config;
        var updated = (await store.UpdateAsync(loaded with { Name = name + " 2" }))!;
        var reloaded = (await store.LoadAsync(id))!.Config;

        // Assert
        Assert.InRange(inserted.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(inserted, loaded);
        Assert.Equal(updated, reloaded);
        Assert.Equal(config with { Name = name + " 2", CreatedAt = inserted.CreatedAt, UpdatedAt = reloaded.UpdatedAt }, reloaded);
    }
}
