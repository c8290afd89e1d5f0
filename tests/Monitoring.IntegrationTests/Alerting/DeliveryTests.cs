using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>The outbox against a real receiver that fails on demand: retries, final failures, a 410, cancellation.</summary>
[Collection(AlertingCollection.Name)]
public sealed class DeliveryTests(AlertingFixture fixture)
{
    [Fact]
    public async Task A_receiver_down_for_a_minute_gets_the_notice_once_it_is_back_with_one_webhook_id()
    {
        var (key, channelId, serviceId) = await SetUpAsync();
        fixture.Receiver.Answer(key, 503);
        await fixture.CheckAsync(serviceId, 2);

        // Attempts at about 0 s, 5 s and 35 s fail; the receiver comes back after a minute; the attempt two minutes
        // after the third is accepted.
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Received(key).Count >= 2, TimeSpan.FromSeconds(20), "two failed attempts");
        var pending = Assert.Single(await fixture.DeliveriesAsync(channelId));
        Assert.Equal("pending", pending.GetProperty("state").GetString());
        Assert.Equal(503, pending.GetProperty("last_status_code").GetInt32());
        Assert.Contains("503", pending.GetProperty("last_error").GetString());
        Assert.NotEqual(JsonValueKind.Null, pending.GetProperty("next_attempt_at").ValueKind);
        await Task.Delay(TimeSpan.FromSeconds(55));
        Assert.Equal(3, fixture.Receiver.Received(key).Count);
        fixture.Receiver.Answer(key, 200);

        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(key).Count == 1, TimeSpan.FromSeconds(120), "the notice accepted after the outage", TimeSpan.FromSeconds(1));
        var delivery = Assert.Single(await fixture.DeliveriesAsync(channelId));
        Assert.Equal("sent", delivery.GetProperty("state").GetString());
        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("last_error").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, delivery.GetProperty("sent_at").ValueKind);
        var requests = fixture.Receiver.Received(key);
        Assert.Equal(4, requests.Count);
        Assert.Single(requests.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal($"dlv_{delivery.GetProperty("id").GetInt64()}", requests[0].Headers["webhook-id"]);
        var gaps = requests.Zip(requests.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).ToArray();
        Assert.InRange(gaps[0], 4, 10);
        Assert.InRange(gaps[1], 28, 40);
        Assert.InRange(gaps[2], 115, 135);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        var (key, channelId, serviceId) = await SetUpAsync();
        fixture.Receiver.Answer(key, 429, retryAfterSeconds: 1);
        await fixture.CheckAsync(serviceId, 2);
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Received(key).Count >= 1, TimeSpan.FromSeconds(10), "the first attempt");
        fixture.Receiver.Answer(key, 202);

        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(key).Count == 1, TimeSpan.FromSeconds(4), "the attempt one second later");
        var delivery = Assert.Single(await fixture.DeliveriesAsync(channelId));
        Assert.Equal("sent", delivery.GetProperty("state").GetString());
        Assert.Equal(202, delivery.GetProperty("last_status_code").GetInt32());
    }

    [Fact]
    public async Task A_410_fails_the_delivery_at_once_and_disables_the_channel()
    {
        var (key, channelId, serviceId) = await SetUpAsync();
        fixture.Receiver.Answer(key, 410);
        await fixture.CheckAsync(serviceId, 2);

        await Eventually.IsTrueAsync(async () => (await fixture.DeliveriesAsync(channelId)).Any(d => d.GetProperty("state").GetString() == "failed"), TimeSpan.FromSeconds(10), "the failed delivery");
        var failed = Assert.Single(await fixture.DeliveriesAsync(channelId));
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(410, failed.GetProperty("last_status_code").GetInt32());
        var (_, channel) = await fixture.Http.GetJsonAsync($"/alert-channels/{channelId}");
        Assert.False(channel.GetProperty("enabled").GetBoolean());
        Assert.Equal("failed", channel.GetProperty("last_delivery_state").GetString());
        Assert.Contains("410", channel.GetProperty("last_error").GetString());

        // A disabled channel gets no new deliveries: the resolve queues nothing for it.
        await fixture.SetHealthyAsync(serviceId, true);
        await fixture.CheckAsync(serviceId, 2);
        Assert.Single(await fixture.DeliveriesAsync(channelId));
        Assert.Single(fixture.Receiver.Received(key));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    public async Task Another_4xx_fails_at_once_and_leaves_the_channel_enabled(int status)
    {
        var (key, channelId, serviceId) = await SetUpAsync();
        fixture.Receiver.Answer(key, status);
        await fixture.CheckAsync(serviceId, 2);
        await Eventually.IsTrueAsync(async () => (await fixture.DeliveriesAsync(channelId)).Any(d => d.GetProperty("state").GetString() == "failed"), TimeSpan.FromSeconds(10), "the failed delivery");
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Single(fixture.Receiver.Received(key));
        var (_, channel) = await fixture.Http.GetJsonAsync($"/alert-channels/{channelId}");
        Assert.True(channel.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task A_triggered_notice_still_waiting_when_the_incident_resolves_is_cancelled_and_nothing_follows_it()
    {
        var (key, channelId, serviceId) = await SetUpAsync();
        fixture.Receiver.Answer(key, 503);
        await fixture.CheckAsync(serviceId, 2);
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Received(key).Count == 1, TimeSpan.FromSeconds(10), "the first attempt");

        await fixture.SetHealthyAsync(serviceId, true);
        await fixture.CheckAsync(serviceId, 2);
        fixture.Receiver.Answer(key, 200);
        var deliveries = await fixture.DeliveriesAsync(channelId);
        var triggered = Assert.Single(deliveries);
        Assert.Equal("cancelled", triggered.GetProperty("state").GetString());
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Empty(fixture.Receiver.Accepted(key));
        Assert.Single(await fixture.DeliveriesAsync(channelId));
    }

    [Fact]
    public async Task Send_resolved_false_and_a_disabled_channel_are_respected()
    {
        var client = await fixture.Http.CreateClientAsync();
        var quiet = $"quiet{Guid.NewGuid():N}";
        var off = $"off{Guid.NewGuid():N}";
        var quietId = (await fixture.CreateWebhookAsync(client, quiet, new { send_resolved = false })).GetProperty("id").GetInt64();
        var offId = (await fixture.CreateWebhookAsync(client, off, new { enabled = false })).GetProperty("id").GetInt64();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, [quietId, offId]);

        await fixture.CheckAsync(serviceId, 2);
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(quiet).Count == 1, TimeSpan.FromSeconds(10), "the triggered notice");
        await fixture.SetHealthyAsync(serviceId, true);
        await fixture.CheckAsync(serviceId, 2);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(fixture.Receiver.Received(quiet));
        Assert.Empty(fixture.Receiver.Received(off));
        Assert.Empty(await fixture.DeliveriesAsync(offId));
    }

    private async Task<(string Key, long ChannelId, long ServiceId)> SetUpAsync()
    {
        var client = await fixture.Http.CreateClientAsync();
        var key = $"d{Guid.NewGuid():N}";
        var channelId = (await fixture.CreateWebhookAsync(client, key)).GetProperty("id").GetInt64();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, [channelId]);
        return (key, channelId, serviceId);
    }
}
