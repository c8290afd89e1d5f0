using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>One PostgreSQL database, one silo, one gateway and a target server, shared by the API tests.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public InProcessFleet Fleet { get; private set; } = null!;

    public TargetServer Target { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Target = await TargetServer.StartAsync();
        Fleet = await InProcessFleet.StartAsync(Database);
        Http = Fleet.Http();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Fleet.DisposeAsync();
        await Target.DisposeAsync();
        await Database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
