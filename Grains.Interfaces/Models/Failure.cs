namespace Monitoring.Grains.Interfaces.Models;

/// <summary>Why a command was refused; the gateway turns it into the matching Feathers error object.</summary>
[GenerateSerializer, Immutable, Alias("failure")]
public sealed record Failure(
    [property: Id(0)] FailureKind Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Errors = null)
{
    public static Failure BadRequest(string message, IReadOnlyDictionary<string, string>? errors = null) =>
        new(FailureKind.BadRequest, message, errors);

    public static Failure Invalid(string field, string reason) => ForFields(new Dictionary<string, string> { [field] = reason });

    /// <summary>One 400 naming every field: "name is required", "Invalid cron_schedule: &lt;parser's reason&gt;".</summary>
    public static Failure ForFields(IReadOnlyDictionary<string, string> errors) =>
        BadRequest(string.Join("; ", errors.Select(e => Describe(e.Key, e.Value))), errors);

    /// <summary>The 400 for a client_id that names no client the caller can see.</summary>
    public static Failure UnknownClient(long clientId) => Invalid("client_id", $"client {clientId} does not exist");

    public static Failure NotFound(string message) => new(FailureKind.NotFound, message);

    public static Failure Forbidden(string message) => new(FailureKind.Forbidden, message);

    public static Failure Conflict(string message, IReadOnlyDictionary<string, string>? errors = null) =>
        new(FailureKind.Conflict, message, errors);

    public static Failure Unavailable(string message) => new(FailureKind.Unavailable, message);

    private static string Describe(string field, string reason) =>
        reason.StartsWith("is ", StringComparison.Ordinal) || reason.StartsWith("must ", StringComparison.Ordinal)
            ? $"{field} {reason}"
            : $"Invalid {field}: {reason}";
}

[GenerateSerializer, Alias("failure-kind")]
public enum FailureKind
{
    BadRequest = 400,
    Forbidden = 403,
    NotFound = 404,
    Conflict = 409,
    Unavailable = 503,
}
