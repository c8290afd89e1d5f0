using System.Text.Json.Serialization;

namespace Monitoring.Gateway.Feed;

/// <summary>The argument of the hub's <c>Subscribe</c>: narrows a connection's feed to one client or one service.</summary>
public sealed record FeedFilter(
    [property: JsonPropertyName("client_id")] long? ClientId = null,
    [property: JsonPropertyName("service_id")] long? ServiceId = null);
