using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Interfaces.Json;

/// <summary>
/// Writes a service-status record; <c>details</c> is stored as JSON text and written as the object it is,
/// without parsing it again.
/// </summary>
public sealed class StatusRecordConverter : JsonConverter<StatusRecord>
{
    private static readonly UtcMillisecondsConverter Time = new();

    public override StatusRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Status records are only written.");

    public override void Write(Utf8JsonWriter writer, StatusRecord value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", value.Id);
        writer.WriteNumber("service_id", value.ServiceId);
        writer.WriteNumber("client_id", value.ClientId);
        writer.WriteString("status", value.Status.ToWire());
        WriteNullableNumber(writer, "status_code", value.StatusCode);
        writer.WriteNumber("response_time_ms", value.ResponseTimeMs);
        writer.WriteString("reported_status", value.ReportedStatus);
        writer.WriteString("error", value.Error);
        writer.WritePropertyName("details");
        if (value.DetailsJson is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(value.DetailsJson, skipInputValidation: true);
        }

        writer.WriteString("trigger", value.Trigger);
        writer.WritePropertyName("checked_at");
        Time.Write(writer, value.CheckedAt, options);
        writer.WriteBoolean("in_maintenance", value.InMaintenance);
        writer.WritePropertyName("tls_expires_at");
        if (value.TlsExpiresAt is { } expires)
        {
            Time.Write(writer, expires, options);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("condition_results");
        if (value.ConditionResultsJson is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(value.ConditionResultsJson, skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
