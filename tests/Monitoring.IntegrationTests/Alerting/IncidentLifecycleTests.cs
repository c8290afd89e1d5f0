using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>alerting.md's lifecycle through the real pipeline: checks open and resolve an incident, a signed webhook tells of each once.</summary>
[Collection(AlertingCollection.Name)]
public sealed class IncidentLifecycleTests(AlertingFixture fixture)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Bad_checks_open_one_incident_and_good_ones_resolve_it_with_one_signed_notice_each()
    {
        var http = fixture.Http;
        var client = await http.CreateClientAsync();
        var key = $"life-{Guid.NewGuid():N}";
        var channel = await fixture.CreateWebhookAsync(client, key);
        var secret = channel.GetProperty("secret").GetString()!;
        var channelId = channel.GetProperty("id").GetInt64();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, [channelId]);

        var first = (await fixture.CheckAsync(serviceId))[0];
        Assert.Empty(await fixture.IncidentsAsync(serviceId));
        var second = (await fixture.CheckAsync(serviceId))[0];

        var incidents = await fixture.IncidentsAsync(serviceId);
        var incident = Assert.Single(incidents);
        Assert.Equal("open", incident.GetProperty("status").GetString());
        Assert.Equal("down", incident.GetProperty("severity").GetString());
        Assert.Equal(first.GetProperty("checked_at").GetString(), incident.GetProperty("started_at").GetString());
        Assert.Equal(second.GetProperty("checked_at").GetString(), incident.GetProperty("confirmed_at").GetString());
        Assert.Equal(2, incident.GetProperty("bad_checks").GetInt32());
        Assert.False(incident.GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("resolved_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("duration_ms").ValueKind);

        var triggered = await Eventually.ReturnsAsync(async () => fixture.Receiver.Accepted(key).FirstOrDefault(), Soon, "the triggered webhook");
        AssertSigned(triggered, secret);
        using (var body = JsonDocument.Parse(triggered.Body))
        {
            var root = body.RootElement;
            Assert.Equal("incident.triggered", root.GetProperty("type").GetString());
            Assert.Equal(incident.GetProperty("id").GetInt64(), root.GetProperty("data").GetProperty("incident").GetProperty("id").GetInt64());
            Assert.Equal(serviceId, root.GetProperty("data").GetProperty("service").GetProperty("id").GetInt64());
            Assert.Equal(client, root.GetProperty("data").GetProperty("client").GetProperty("id").GetInt64());
            Assert.Equal("down", root.GetProperty("data").GetProperty("status").GetProperty("status").GetString());
            Assert.EndsWith("Z", root.GetProperty("timestamp").GetString());
        }

        // A third bad check counts into the same incident and notifies nobody again.
        await fixture.CheckAsync(serviceId);
        incident = Assert.Single(await fixture.IncidentsAsync(serviceId));
        Assert.Equal(3, incident.GetProperty("bad_checks").GetInt32());

        await fixture.SetHealthyAsync(serviceId, healthy: true);
        await fixture.CheckAsync(serviceId);
        Assert.Equal("open", Assert.Single(await fixture.IncidentsAsync(serviceId)).GetProperty("status").GetString());
        var recovery = (await fixture.CheckAsync(serviceId))[0];

        incident = Assert.Single(await fixture.IncidentsAsync(serviceId));
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal("recovered", incident.GetProperty("resolved_reason").GetString());
        Assert.Equal(recovery.GetProperty("checked_at").GetString(), incident.GetProperty("resolved_at").GetString());
        var started = DateTimeOffset.Parse(incident.GetProperty("started_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var resolved = DateTimeOffset.Parse(incident.GetProperty("resolved_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((long)(resolved - started).TotalMilliseconds, incident.GetProperty("duration_ms").GetInt64());

        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(key).Count == 2, Soon, "the resolved webhook");
        var notice = fixture.Receiver.Accepted(key)[1];
        AssertSigned(notice, secret);
        Assert.NotEqual(triggered.Headers["webhook-id"], notice.Headers["webhook-id"]);
        using (var body = JsonDocument.Parse(notice.Body))
        {
            Assert.Equal("incident.resolved", body.RootElement.GetProperty("type").GetString());
            Assert.Equal("resolved", body.RootElement.GetProperty("data").GetProperty("incident").GetProperty("status").GetString());
        }

        // More good checks change nothing; every delivery was sent on its first attempt.
        await fixture.CheckAsync(serviceId, 2);
        await Task.Delay(1000);
        Assert.Equal(2, fixture.Receiver.Received(key).Count);
        var deliveries = await fixture.DeliveriesAsync(channelId);
        Assert.Equal(["triggered", "resolved"], deliveries.Select(d => d.GetProperty("event").GetString()));
        Assert.All(deliveries, d =>
        {
            Assert.Equal("sent", d.GetProperty("state").GetString());
            Assert.Equal(1, d.GetProperty("attempts").GetInt32());
            Assert.Equal(200, d.GetProperty("last_status_code").GetInt32());
            Assert.Equal(serviceId, d.GetProperty("service_id").GetInt64());
        });
        Assert.Equal($"dlv_{deliveries[0].GetProperty("id").GetInt64()}", triggered.Headers["webhook-id"]);
    }

    /// <summary>Standard Webhooks verification, written here from the spec: v1,base64(HMAC-SHA256(key, id.timestamp.body)).</summary>
    private static void AssertSigned(ReceivedRequest request, string secret)
    {
        Assert.StartsWith("application/json", request.Headers["content-type"]);
        var id = request.Headers["webhook-id"];
        var timestamp = request.Headers["webhook-timestamp"];
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{request.Body}")));
        Assert.Contains(expected, request.Headers["webhook-signature"].Split(' '));
    }
}
