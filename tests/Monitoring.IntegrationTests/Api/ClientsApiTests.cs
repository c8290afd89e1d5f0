using System.Net;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

[Collection(ApiCollection.Name)]
public sealed class ClientsApiTests(ApiFixture fixture)
{
    private readonly HttpClient http = fixture.Http;

    [Fact]
    public async Task Create_get_patch_and_remove_a_client()
    {
        var name = $"Acme {Guid.NewGuid():N}";

        // Act
        var created = await http.PostJsonAsync("/clients", new { name = $"  {name}  ", description = "ops", contact_email = "ops@acme.io" });
        var id = created.Body.GetProperty("id").GetInt64();
        var fetched = await http.GetJsonAsync($"/clients/{id}");
        var patched = await http.PatchJsonAsync($"/clients/{id}", new { description = (string?)null });
        var removed = await http.DeleteJsonAsync($"/clients/{id}");
        var gone = await http.GetJsonAsync($"/clients/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(name, created.Body.GetProperty("name").GetString());
        Assert.Equal("ops@acme.io", created.Body.GetProperty("contact_email").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", created.Body.GetProperty("created_at").GetString());
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal(created.Body.ToString(), fetched.Body.ToString());
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, patched.Body.GetProperty("description").ValueKind);
        Assert.Equal("ops@acme.io", patched.Body.GetProperty("contact_email").GetString());
        Assert.True(patched.Body.GetProperty("updated_at").GetDateTimeOffset() >= created.Body.GetProperty("updated_at").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal(id, removed.Body.GetProperty("id").GetInt64());
        gone.AssertFeathersError(404, "NotFound");
    }

    [Fact]
    public async Task A_duplicate_name_is_a_conflict()
    {
        var name = $"dup-{Guid.NewGuid():N}";
        await http.CreateClientAsync(name);

        var duplicate = await http.PostJsonAsync("/clients", new { name });
        var other = await http.CreateClientAsync();
        var renamed = await http.PatchJsonAsync($"/clients/{other}", new { name });

        duplicate.AssertFeathersError(409, "Conflict");
        renamed.AssertFeathersError(409, "Conflict");
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"   \"}", "name")]
    [InlineData("{\"name\":12}", "name")]
    [InlineData("{\"name\":null}", "name")]
    [InlineData("{\"name\":\"x\",\"contact_email\":\"not-an-email\"}", "contact_email")]
    [InlineData("{\"name\":\"x\",\"contact_email\":5}", "contact_email")]
    [InlineData("{\"name\":\"x\",\"nickname\":\"y\"}", "nickname")]
    [InlineData("{\"name\":\"\\ud800\"}", "name")]
    public async Task Invalid_bodies_are_400_naming_the_field(string body, string field)
    {
        var response = await http.SendRawAsync(HttpMethod.Post, "/clients", body);

        response.AssertFeathersError(400, "BadRequest");
        Assert.True(response.Body.GetProperty("errors").TryGetProperty(field, out _), response.Body.ToString());
    }

    [Fact]
    public async Task Length_limits_are_enforced()
    {
        var tooLong = await http.PostJsonAsync("/clients", new { name = new string('n', 201) });
        var longest = await http.PostJsonAsync("/clients", new { name = new string('n', 199) + Guid.NewGuid().ToString("N")[..1] });
        var description = await http.PostJsonAsync("/clients", new { name = $"d-{Guid.NewGuid():N}", description = new string('d', 2001) });

        tooLong.AssertFeathersError(400, "BadRequest");
        Assert.Equal(HttpStatusCode.Created, longest.Status);
        description.AssertFeathersError(400, "BadRequest");
    }

    [Fact]
    public async Task Read_only_fields_sent_back_are_ignored()
    {
        var id = await http.CreateClientAsync();
        var (_, record) = await http.GetJsonAsync($"/clients/{id}");
        var fields = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(record.GetRawText())!;
        fields["description"] = "changed";
        fields["id"] = 999999;

        var patched = await http.PatchJsonAsync($"/clients/{id}", fields);

        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal(id, patched.Body.GetProperty("id").GetInt64());
        Assert.Equal("changed", patched.Body.GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_put_replaces_the_client_and_an_empty_email_means_none()
    {
        var id = await http.CreateClientAsync();
        await http.PatchJsonAsync($"/clients/{id}", new { description = "old", contact_email = "a@b.io" });
        var name = $"put-{Guid.NewGuid():N}";

        var replaced = await http.SendRawAsync(HttpMethod.Put, $"/clients/{id}", $$"""{"name":"{{name}}","contact_email":""}""");

        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal(name, replaced.Body.GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, replaced.Body.GetProperty("description").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, replaced.Body.GetProperty("contact_email").ValueKind);
        (await http.SendRawAsync(HttpMethod.Put, $"/clients/{id}", "{\"description\":\"no name\"}")).AssertFeathersError(400, "BadRequest");
    }

    [Fact]
    public async Task A_client_asked_for_before_it_exists_is_found_once_created()
    {
        var next = await http.CreateClientAsync() + 1;
        (await http.GetJsonAsync($"/clients/{next}")).AssertFeathersError(404, "NotFound");

        var created = await http.CreateClientAsync();

        Assert.Equal(next, created);
        Assert.Equal(HttpStatusCode.OK, (await http.GetJsonAsync($"/clients/{created}")).Status);
    }

    [Fact]
    public async Task Missing_ids_and_malformed_ids_are_4xx()
    {
        (await http.GetJsonAsync("/clients/987654321")).AssertFeathersError(404, "NotFound");
        (await http.PatchJsonAsync("/clients/987654321", new { name = "x" })).AssertFeathersError(404, "NotFound");
        (await http.DeleteJsonAsync("/clients/987654321")).AssertFeathersError(404, "NotFound");
        (await http.GetJsonAsync("/clients/abc")).AssertFeathersError(400, "BadRequest");
        (await http.GetJsonAsync("/clients/-1")).AssertFeathersError(404, "NotFound");
        (await http.GetJsonAsync("/clients/0")).AssertFeathersError(404, "NotFound");
    }

    [Fact]
    public async Task Unsupported_methods_and_routes_are_feathers_errors()
    {
        var id = await http.CreateClientAsync();

        (await http.SendRawAsync(HttpMethod.Put, "/clients", "{\"name\":\"x\"}")).AssertFeathersError(405, "MethodNotAllowed");
        (await http.SendRawAsync(HttpMethod.Patch, "/clients", "{\"name\":\"x\"}")).AssertFeathersError(405, "MethodNotAllowed");
        (await http.SendRawAsync(HttpMethod.Delete, "/clients", null)).AssertFeathersError(405, "MethodNotAllowed");
        (await http.SendRawAsync(HttpMethod.Post, "/clients", "[{\"name\":\"x\"}]")).AssertFeathersError(405, "MethodNotAllowed");
        (await http.GetJsonAsync("/no-such-service")).AssertFeathersError(404, "NotFound");
        (await http.GetJsonAsync("/uptime-stats/1")).AssertFeathersError(405, "MethodNotAllowed");
        (await http.SendRawAsync(HttpMethod.Post, "/uptime-stats", "{}")).AssertFeathersError(405, "MethodNotAllowed");
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("{name: 'x'}")]
    [InlineData("")]
    [InlineData("\"just a string\"")]
    [InlineData("null")]
    public async Task Malformed_json_is_400(string body)
    {
        (await http.SendRawAsync(HttpMethod.Post, "/clients", body)).AssertFeathersError(400, "BadRequest");
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_nothing_is_stored()
    {
        var name = $"big-{Guid.NewGuid():N}";
        var body = $"{{\"name\":\"{name}\",\"description\":\"{new string('x', 200_000)}\"}}";

        var response = await http.SendRawAsync(HttpMethod.Post, "/clients", body);

        response.AssertFeathersError(413, "PayloadTooLarge");
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM clients WHERE name = $1", name));
    }
}
