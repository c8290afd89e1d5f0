namespace Monitoring.Grains.Interfaces.Models;

/// <summary>The answer to a command: the record it produced, or the <see cref="Failure"/> that refused it.</summary>
[GenerateSerializer, Immutable, Alias("outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] Failure? Failure)
{
    public static Outcome<T> Ok(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
}
