using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>Small helpers for JSON requests: every call answers the status and the parsed body.</summary>
public static class HttpJson
{
    public static Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(this HttpClient http, string path) =>
        SendAsync(http, HttpMethod.Get, path, null);

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(this HttpClient http, string path, object? body) =>
        SendAsync(http, HttpMethod.Post, path, body);

    public static Task<(HttpStatusCode Status, JsonElement Body)> PatchJsonAsync(this HttpClient http, string path, object body) =>
        SendAsync(http, HttpMethod.Patch, path, body);

    public static Task<(HttpStatusCode Status, JsonElement Body)> DeleteJsonAsync(this HttpClient http, string path) =>
        SendAsync(http, HttpMethod.Delete, path, null);

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendRawAsync(this HttpClient http, HttpMethod method, string path, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string text ? new StringContent(text, Encoding.UTF8, "application/json") : JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone());
    }

    /// <summary>Creates a client through the API and answers its id.</summary>
    public static async Task<long> CreateClientAsync(this HttpClient http, string? name = null)
    {
        var (status, body) = await http.PostJsonAsync("/clients", new { name = name ?? $"client-{Guid.NewGuid():N}" });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    /// <summary>Creates a service through the API and answers its record.</summary>
    public static async Task<JsonElement> CreateServiceAsync(this HttpClient http, long clientId, string url, object? extra = null)
    {
        var fields = new Dictionary<string, object?> { ["client_id"] = clientId, ["name"] = "svc", ["endpoint_url"] = url };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }
        }

        var (status, body) = await http.PostJsonAsync("/client-services", fields);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body;
    }

    public static void AssertFeathersError(this (HttpStatusCode Status, JsonElement Body) response, int code, string name)
    {
        Assert.True((int)response.Status == code, $"expected {code}, got {(int)response.Status}: {response.Body}");
        Assert.Equal(name, response.Body.GetProperty("name").GetString());
        Assert.Equal(code, response.Body.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(response.Body.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(response.Body.GetProperty("className").GetString()));
    }
}
