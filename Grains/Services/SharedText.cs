using System.Collections.Concurrent;

namespace Monitoring.Grains.Services;

/// <summary>
/// One copy of the short texts that many services repeat (cron expressions, time zones, methods), so a
/// hundred thousand grains do not each hold their own "*/5 * * * *". Bounded: past the cap, texts are kept as given.
/// </summary>
internal static class SharedText
{
    private const int MaxShared = 10_000;
    private static readonly ConcurrentDictionary<string, string> Texts = new(StringComparer.Ordinal);

    public static string Of(string text)
    {
        if (Texts.TryGetValue(text, out var shared))
        {
            return shared;
        }

        return Texts.Count < MaxShared ? Texts.GetOrAdd(text, text) : text;
    }
}
