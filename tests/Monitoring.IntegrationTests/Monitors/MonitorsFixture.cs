using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Monitors;

/// <summary>One database, one silo and gateway and a target on 127.0.0.1, shared by the monitors tests (each makes its own client).</summary>
public sealed class MonitorsFixture : IAsyncLifetime
{
    /// <summary>A cron that does not fire during a test.</summary>
    public const string Yearly = "0 0 1 1 *";

    /// <summary>Pings a token may send a second here (low, so the limit is easy to reach).</summary>
    public const int PingsPerSecond = 5;

    public TestDatabase Database { get; private set; } = null!;

    public InProcessFleet Fleet { get; private set; } = null!;

    public TargetServer Target { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>A client without an API key: pings need none.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Target = await TargetServer.StartAsync();
        Fleet = await InProcessFleet.StartAsync(Database, settings: new Dictionary<string, string?>
        {
            ["RateLimit:PingsPerSecond"] = PingsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Http = Fleet.Http();
        Anonymous = new HttpClient { BaseAddress = new Uri(Fleet.GatewayUrl()) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        await Fleet.DisposeAsync();
        await Target.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Creates a heartbeat of a new client; answers its record.</summary>
    public async Task<JsonElement> CreateHeartbeatAsync(object? extra = null)
    {
        var client = await Http.CreateClientAsync();
        var fields = new Dictionary<string, object?> { ["client_id"] = client, ["name"] = "nightly backup", ["type"] = "heartbeat", ["cron_schedule"] = Yearly };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }
        }

        var (status, body) = await Http.PostJsonAsync("/client-services", fields);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body;
    }

    /// <summary>The service's results, oldest first.</summary>
    public async Task<JsonElement[]> ResultsAsync(long serviceId)
    {
        var (status, body) = await Http.GetJsonAsync($"/service-status?service_id={serviceId}&$sort[checked_at]=1&$limit=500");
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("data").EnumerateArray().ToArray();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
