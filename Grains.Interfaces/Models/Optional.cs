namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// A field of a create or patch body: <see cref="IsSet"/> tells "omitted" from "sent as null",
/// which PATCH needs (a PATCH that omits basic_auth_password keeps it, one that sends null removes it).
/// </summary>
[GenerateSerializer, Immutable, Alias("optional`1")]
public readonly record struct Optional<T>([property: Id(0)] bool IsSet, [property: Id(1)] T Value)
{
    public static Optional<T> Unset => default;

    public static implicit operator Optional<T>(T value) => new(true, value);

    public T Or(T fallback) => IsSet ? Value : fallback;
}
