using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Interfaces.Json;

/// <summary>A <see cref="HealthStatus"/> as the contract writes it: <c>up</c>, <c>degraded</c> or <c>down</c>.</summary>
public sealed class HealthStatusConverter : JsonConverter<HealthStatus>
{
    public override HealthStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        HealthStatusNames.FromWire(reader.GetString() ?? throw new JsonException("a status is a string"));

    public override void Write(Utf8JsonWriter writer, HealthStatus value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToWire());
}
