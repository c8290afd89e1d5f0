using System.Text.RegularExpressions;

namespace Monitoring.Grains.Interfaces.Models;

/// <summary>A status page as operations.md returns it: chosen services of one client, shown at <c>/status/{slug}</c>.</summary>
[GenerateSerializer, Immutable, Alias("status-page")]
public sealed partial record StatusPageRecord
{
    /// <summary>Whether <paramref name="text"/> can be a slug: <c>[a-z0-9-]{3,60}</c>.</summary>
    public static bool IsSlug(string text) => SlugPattern().IsMatch(text);

    [GeneratedRegex(@"^[a-z0-9-]{3,60}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();

    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long ClientId { get; init; }

    /// <summary><c>[a-z0-9-]{3,60}</c>, unique across the fleet: the page's address.</summary>
    [Id(2)] public required string Slug { get; init; }
    [Id(3)] public required string Title { get; init; }
    [Id(4)] public string? Description { get; init; }

    /// <summary>Services of the client, in the order the page shows them.</summary>
    [Id(5)] public long[] ServiceIds { get; init; } = [];

    /// <summary>Whether the page opens without a key.</summary>
    [Id(6)] public required bool Public { get; init; }
    [Id(7)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(8)] public required DateTimeOffset UpdatedAt { get; init; }
}
