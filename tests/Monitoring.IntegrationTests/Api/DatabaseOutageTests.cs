using System.Net;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Api;

/// <summary>With PostgreSQL away, reads that need it answer 503 Unavailable (never 500), and recover with it.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Finds_answer_503_while_the_database_is_away_and_work_again_after()
    {
        await using var database = await TestDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, server.Port));
        server.Port = proxy.Port;
        server.Timeout = 2;
        server.CommandTimeout = 5;
        await using var fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?> { ["DATABASE_URL"] = server.ConnectionString });
        using var http = fleet.Http();
        var client = await http.CreateClientAsync();

        // Act: cut PostgreSQL off.
        proxy.Cut();
        var find = await http.GetJsonAsync("/clients");
        var create = await http.PostJsonAsync("/clients", new { name = "while away" });
        proxy.Restore();

        // Assert
        find.AssertFeathersError(503, "Unavailable");
        create.AssertFeathersError(503, "Unavailable");
        await Eventually.IsTrueAsync(async () => (await http.GetAsync("/clients")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "finds to work again");
        Assert.Equal(client, (await http.GetJsonAsync($"/clients/{client}")).Body.GetProperty("id").GetInt64());
    }
}
