using System.Text;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Brings a body prefix to UTF-8 for the JSON reader: a UTF-16 or UTF-32 body (by its byte-order mark, or
/// the charset of its Content-Type) is transcoded; UTF-8 and anything unknown pass unchanged (a UTF-8 BOM
/// is left for the reader to skip).
/// </summary>
public static class BodyText
{
    public static ReadOnlyMemory<byte> ToUtf8(ReadOnlyMemory<byte> body, string? charset)
    {
        var span = body.Span;
        Encoding? encoding = span switch
        {
            [0xFF, 0xFE, 0x00, 0x00, ..] => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            [0x00, 0x00, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
            [0xFF, 0xFE, ..] => Encoding.Unicode,
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
            _ => FromCharset(charset),
        };
        if (encoding is null)
        {
            return body;
        }

        // Decoding replaces invalid sequences with U+FFFD; a prefix cut inside a character loses only it.
        var text = encoding.GetString(span);
        return Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF'));
    }

    private static Encoding? FromCharset(string? charset) => charset?.Trim('"', ' ').ToLowerInvariant() switch
    {
        "utf-16" or "utf-16le" => Encoding.Unicode,
        "utf-16be" => Encoding.BigEndianUnicode,
        "utf-32" or "utf-32le" => Encoding.UTF32,
        "iso-8859-1" or "latin1" or "us-ascii" => Encoding.Latin1,
        _ => null,
    };
}
