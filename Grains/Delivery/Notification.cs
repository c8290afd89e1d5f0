using Monitoring.Grains.Alerting;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// Everything one attempt of a delivery sends: the delivery, its channel with the secrets decrypted for this
/// attempt only, and the records the notice is about as REST returns them now (null for a test); <c>At</c> is when
/// the attempt is made (an open incident's "so far" counts to it).
/// </summary>
public sealed record Notification(
    DeliveryRow Delivery,
    ChannelRow Channel,
    string? Url,
    string? Secret,
    ClientRecord? Client,
    ServiceRecord? Service,
    IncidentRecord? Incident,
    StatusRecord? Status,
    DateTimeOffset? At = null)
{
    public string Event => Delivery.Event;

    public override string ToString() => $"delivery {Delivery.Id} ({Event}) to channel {Channel.Id} ({Channel.Type})";
}
