namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>Tests that each run against a database of their own, migrated, created before each test and dropped after it.</summary>
public abstract class FreshDatabaseTests : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await Database.DisposeAsync();
}
