using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>
/// One database, one silo and gateway, a target to check, a notification receiver and an SMTP server, all real and on
/// 127.0.0.1, shared by the alerting tests. Each test makes its own client, so tests do not see each other's rows.
/// </summary>
public sealed class AlertingFixture : IAsyncLifetime
{
    /// <summary>A cron that does not fire during a test: checks are made by POST /check.</summary>
    public const string Yearly = "0 0 1 1 *";

    public TestDatabase Database { get; private set; } = null!;

    public InProcessFleet Fleet { get; private set; } = null!;

    public TargetServer Target { get; private set; } = null!;

    public ReceiverServer Receiver { get; private set; } = null!;

    public SmtpServer Smtp { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Target = await TargetServer.StartAsync();
        Receiver = await ReceiverServer.StartAsync();
        Smtp = SmtpServer.Start();
        Fleet = await InProcessFleet.StartAsync(Database, settings: new Dictionary<string, string?>
        {
            ["SMTP_URL"] = $"smtp://127.0.0.1:{Smtp.Port}?tls=none",
            ["SMTP_FROM"] = "Monitoring <alerts@monitoring.test>",
            ["Alerting:PollInterval"] = "00:00:00.200",
            ["API_KEYS"] = $"{InProcessFleet.AdminKey}, {ScopedKey}:1",
        });
        Http = Fleet.Http();

        // The database is new: the first client gets id 1, the one ScopedKey names.
        ScopedClientId = await Http.CreateClientAsync("scoped client");
        Assert.Equal(1, ScopedClientId);
    }

    /// <summary>An API key scoped to <see cref="ScopedClientId"/>.</summary>
    public const string ScopedKey = "alerting-scoped-key";

    public long ScopedClientId { get; private set; }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Fleet.DisposeAsync();
        await Receiver.DisposeAsync();
        await Target.DisposeAsync();
        await Smtp.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A webhook channel of <paramref name="clientId"/> posting to receiver key <paramref name="key"/>; answers its record (with the generated secret).</summary>
    public async Task<JsonElement> CreateWebhookAsync(long clientId, string key, object? extra = null)
    {
        var fields = new Dictionary<string, object?> { ["client_id"] = clientId, ["name"] = $"hook {key}", ["type"] = "webhook", ["url"] = Receiver.Url(key) };
        Merge(fields, extra);
        var (status, body) = await Http.PostJsonAsync("/alert-channels", fields);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body;
    }

    /// <summary>An enabled service checked only on demand, alerting <paramref name="channelIds"/>, failing (503) until told otherwise.</summary>
    public async Task<long> CreateAlertingServiceAsync(long clientId, long[] channelIds, object? extra = null)
    {
        var fields = new Dictionary<string, object?>
        {
            ["cron_schedule"] = Yearly,
            ["alert_channel_ids"] = channelIds,
            ["failure_threshold"] = 2,
            ["success_threshold"] = 2,
        };
        Merge(fields, extra);
        var service = await Http.CreateServiceAsync(clientId, Target.Reply(503, "{\"status\":\"down\"}"), fields);
        return service.GetProperty("id").GetInt64();
    }

    /// <summary>Points the service at a healthy (true) or failing (false) answer of the target.</summary>
    public async Task SetHealthyAsync(long serviceId, bool healthy)
    {
        var url = healthy ? Target.Reply(200, "{\"status\":\"ok\"}") : Target.Reply(503, "{\"status\":\"down\"}");
        var (status, body) = await Http.PatchJsonAsync($"/client-services/{serviceId}", new { endpoint_url = url });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    /// <summary>Runs <paramref name="count"/> checks now, one after the other; answers their records.</summary>
    public async Task<IReadOnlyList<JsonElement>> CheckAsync(long serviceId, int count = 1)
    {
        var records = new List<JsonElement>();
        for (var i = 0; i < count; i++)
        {
            var (status, body) = await Http.PostJsonAsync($"/client-services/{serviceId}/check", null);
            Assert.True(status == HttpStatusCode.Created, body.ToString());
            records.Add(body);
        }

        return records;
    }

    public async Task<JsonElement[]> IncidentsAsync(long serviceId)
    {
        var (status, body) = await Http.GetJsonAsync($"/incidents?service_id={serviceId}&$sort[id]=1");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("data").EnumerateArray().ToArray();
    }

    public async Task<JsonElement[]> DeliveriesAsync(long channelId)
    {
        var (status, body) = await Http.GetJsonAsync($"/alert-deliveries?channel_id={channelId}&$sort[id]=1");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("data").EnumerateArray().ToArray();
    }

    private static void Merge(Dictionary<string, object?> fields, object? extra)
    {
        if (extra is null)
        {
            return;
        }

        foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AlertingCollection : ICollectionFixture<AlertingFixture>
{
    public const string Name = "alerting";
}
