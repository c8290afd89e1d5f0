using System.Text;
using Microsoft.Extensions.Configuration;
using Monitoring.Grains.Credentials;
using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.Silo;

namespace Monitoring.IntegrationTests.Credentials;

/// <summary>
/// Rotating ENCRYPTION_KEY: the previous key still decrypts, and the documented command moves every value to the new
/// one: Basic Auth passwords, heartbeats' ping tokens and the secrets of alert channels (a Slack URL, a PagerDuty routing key).
/// </summary>
public sealed class KeyRotationTests
{
    private const string NewKey = "fedcba9876543210fedcba9876543210";

    [Fact]
    public async Task Passwords_keep_working_across_a_rotation_and_end_up_under_the_new_key()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var receiver = await ReceiverServer.StartAsync();
        await using var fleet = await InProcessFleet.StartAsync(database);
        using var http = fleet.Http();
        var client = await http.CreateClientAsync();
        var key = Guid.NewGuid().ToString("N");
        var id = (await http.CreateServiceAsync(client, target.Url($"/hit/{key}"), new { enabled = false, basic_auth_username = "u", basic_auth_password = "rotate-me" })).GetProperty("id").GetInt64();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:rotate-me"));
        var oldId = EncryptionKey.Parse(InProcessFleet.EncryptionKey).Id;
        var newId = EncryptionKey.Parse(NewKey).Id;
        Assert.StartsWith($"v1:{oldId}:", await Stored(database, id));
        var slack = (await http.PostJsonAsync("/alert-channels", new { client_id = client, name = "chat", type = "slack", url = receiver.Url("slack") + "?t=s3cret" })).Body.GetProperty("id").GetInt64();
        var pager = (await http.PostJsonAsync("/alert-channels", new { client_id = client, name = "pager", type = "pagerduty", url = receiver.Url("pd"), secret = "routing-key-1" })).Body.GetProperty("id").GetInt64();
        Assert.StartsWith($"v1:{oldId}:", await ChannelSecret(database, slack, "url_ciphertext"));
        Assert.StartsWith($"v1:{oldId}:", await ChannelSecret(database, pager, "secret_ciphertext"));
        var (_, beat) = await http.PostJsonAsync("/client-services", new { client_id = client, name = "job", type = "heartbeat", cron_schedule = "0 0 1 1 *" });
        var beatId = beat.GetProperty("id").GetInt64();
        var pingUrl = beat.GetProperty("ping_url").GetString()!;
        Assert.StartsWith($"v1:{oldId}:", await Token(database, beatId));

        // Rotate: a silo with the new key and the old one as previous takes over.
        await fleet.AddSiloAsync(new Dictionary<string, string?> { ["ENCRYPTION_KEY"] = NewKey, ["ENCRYPTION_KEY_PREVIOUS"] = InProcessFleet.EncryptionKey });
        await fleet.StopSiloAsync(0);
        await CheckAsync(http, id);
        Assert.Equal(expected, target.Authorizations.Last());

        // Act: the documented command.
        var exit = await ReencryptCommand.RunAsync([], c => c.AddInMemoryCollection(fleet.Settings));

        // Assert: stored under the new key; a silo that knows only the new key still authenticates.
        Assert.Equal(0, exit);
        Assert.StartsWith($"v1:{newId}:", await Stored(database, id));
        Assert.StartsWith($"v1:{newId}:", await ChannelSecret(database, slack, "url_ciphertext"));
        Assert.StartsWith($"v1:{newId}:", await ChannelSecret(database, pager, "secret_ciphertext"));
        Assert.StartsWith($"v1:{newId}:", await Token(database, beatId));
        await fleet.AddSiloAsync(new Dictionary<string, string?> { ["ENCRYPTION_KEY"] = NewKey });
        await fleet.StopSiloAsync(0);
        Assert.Equal("up", (await CheckAsync(http, id)).GetProperty("status").GetString());
        Assert.Equal(expected, target.Authorizations.Last());

        // The heartbeat shows the same ping_url, read under the new key alone, and its job still reports.
        var (_, reread) = await http.GetJsonAsync($"/client-services/{beatId}");
        Assert.Equal(pingUrl, reread.GetProperty("ping_url").GetString());
        using (var job = new HttpClient())
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await job.GetAsync(pingUrl)).StatusCode);
        }

        // The channels still send with the secrets decrypted under the new key alone.
        foreach (var channel in new[] { slack, pager })
        {
            var (status, delivery) = await http.PostJsonAsync($"/alert-channels/{channel}/test", null);
            Assert.True(status == System.Net.HttpStatusCode.Created && delivery.GetProperty("state").GetString() == "sent", delivery.ToString());
        }

        Assert.Single(receiver.Accepted("slack"));
        Assert.Contains("routing-key-1", Assert.Single(receiver.Accepted("pd")).Body);
    }

    /// <summary>A manual check; right after a silo left, the gateway may answer 503 until its client notices.</summary>
    private static Task<System.Text.Json.JsonElement> CheckAsync(HttpClient http, long id) =>
        Eventually.ReturnsAsync<object>(async () =>
        {
            var (status, body) = await http.PostJsonAsync($"/client-services/{id}/check", null);
            return status == System.Net.HttpStatusCode.Created ? body : null;
        }, TimeSpan.FromSeconds(30), "a manual check after the silo change").ContinueWith(t => (System.Text.Json.JsonElement)t.Result, TaskScheduler.Default);

    private static Task<string> ChannelSecret(TestDatabase database, long channelId, string column) =>
        database.ScalarAsync<string>($"SELECT {column} FROM alert_channels WHERE id = $1", channelId);

    private static Task<string> Token(TestDatabase database, long id) =>
        database.ScalarAsync<string>("SELECT ping_token_ciphertext FROM client_services WHERE id = $1", id);

    private static Task<string> Stored(TestDatabase database, long id) =>
        database.ScalarAsync<string>("SELECT basic_auth_password FROM client_services WHERE id = $1", id);
}
