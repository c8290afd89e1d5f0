using System.Text;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Makes text that came from a target storable in PostgreSQL: no NUL (text and jsonb refuse it, SQLSTATE
/// 22021 / 22P05), no lone UTF-16 surrogate (it has no UTF-8 form), and a bounded length that never splits
/// a surrogate pair. Each bad character becomes U+FFFD, so the text still shows that something was there.
/// </summary>
public static class StorableText
{
    public const char Replacement = '\uFFFD';

    /// <summary>The text made storable and cut to <paramref name="maxLength"/> UTF-16 units (with "…" when cut).</summary>
    public static string? Clean(string? text, int maxLength = int.MaxValue)
    {
        if (text is null)
        {
            return null;
        }

        if (IsClean(text) && text.Length <= maxLength)
        {
            return text;
        }

        // Replacing keeps the length, so only text longer than maxLength is cut (leaving room for the ellipsis).
        var limit = text.Length <= maxLength ? text.Length : Math.Max(0, maxLength - 1);
        var builder = new StringBuilder(limit + 1);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (builder.Length + (pair ? 2 : 1) > limit)
            {
                return builder.Append('…').ToString();
            }

            if (pair)
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(c == '\0' || char.IsSurrogate(c) ? Replacement : c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="text"/> has neither NUL nor a lone surrogate.</summary>
    public static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
