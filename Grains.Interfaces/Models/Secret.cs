namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// A write-only value (a Basic Auth password on its way to the grain that encrypts it). It never
/// prints itself, so no log line, exception message or record ToString can carry it.
/// </summary>
[GenerateSerializer, Immutable, Alias("secret")]
public sealed class Secret(string value)
{
    [Id(0)]
    public string Reveal { get; } = value;

    public override string ToString() => "***";
}
