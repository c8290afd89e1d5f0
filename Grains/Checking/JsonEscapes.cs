namespace Monitoring.Grains.Checking;

/// <summary>
/// Rewrites the escapes of a JSON text that are valid JSON but not storable text: <c>\u0000</c> and lone
/// surrogates (<c>\ud800</c> without its pair) become <c>\ufffd</c>. Done once on a body before it is
/// parsed, so every string read from it, and the details stored as jsonb, are clean. Backslashes occur
/// only inside strings in JSON, so no string tracking is needed.
/// </summary>
public static class JsonEscapes
{
    private static readonly byte[] ReplacementEscape = "\\ufffd"u8.ToArray();

    public static ReadOnlyMemory<byte> Normalize(ReadOnlyMemory<byte> json)
    {
        var span = json.Span;
        if (span.IndexOf("\\u"u8) < 0)
        {
            return json;
        }

        byte[]? copy = null;
        for (var i = 0; i < span.Length - 1; i++)
        {
            if (span[i] != (byte)'\\')
            {
                continue;
            }

            if (span[i + 1] != (byte)'u')
            {
                i++; // \\, \", \n, ...: skip the escaped character
                continue;
            }

            if (Hex4(span, i + 2) is not { } unit)
            {
                continue;
            }

            var keep = unit != 0;
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                keep = i + 7 < span.Length && span[i + 6] == (byte)'\\' && span[i + 7] == (byte)'u' && Hex4(span, i + 8) is >= 0xDC00 and <= 0xDFFF;
                if (keep)
                {
                    i += 11; // the pair stays as it is
                    continue;
                }
            }
            else if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                keep = false;
            }

            if (!keep)
            {
                copy ??= span.ToArray();
                ReplacementEscape.CopyTo(copy.AsSpan(i));
            }

            i += 5;
        }

        return copy ?? json;
    }

    private static int? Hex4(ReadOnlySpan<byte> span, int start)
    {
        if (start + 4 > span.Length)
        {
            return null;
        }

        var value = 0;
        for (var k = start; k < start + 4; k++)
        {
            var digit = span[k] switch
            {
                >= (byte)'0' and <= (byte)'9' and var d => d - '0',
                >= (byte)'a' and <= (byte)'f' and var d => d - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' and var d => d - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return null;
            }

            value = (value << 4) | digit;
        }

        return value;
    }
}
