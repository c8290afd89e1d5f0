using System.Globalization;
using System.Security;
using System.Text;

namespace Monitoring.Gateway.Badges;

/// <summary>
/// A flat two-part badge in the style shields.io made common (a grey label, a coloured message, 20 px high, 11 px
/// Verdana-like text with a faint shadow), drawn from our own template. Text widths come from approximate Verdana
/// 11 px advance widths, so the parts fit their text without measuring fonts on the server.
/// </summary>
public static class BadgeSvg
{
    public const string Grey = "#555";
    public const string Green = "#4c1";
    public const string YellowGreen = "#97ca00";
    public const string Yellow = "#dfb317";
    public const string Orange = "#fe7d37";
    public const string Red = "#e05d44";
    public const string Blue = "#007ec6";
    public const string LightGrey = "#9f9f9f";

    private const int Padding = 10;

    /// <summary>The SVG of <paramref name="label"/> | <paramref name="message"/>; <paramref name="title"/> is its accessible name and tooltip.</summary>
    public static string Render(string label, string message, string color, string title)
    {
        var labelWidth = TextWidth(label) + Padding;
        var messageWidth = TextWidth(message) + Padding;
        var width = labelWidth + messageWidth;
        var (l, m, t) = (Escape(label), Escape(message), Escape(title));
        var svg = new StringBuilder(1024);
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{t}">""");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{t}</title>");
        svg.Append("""<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<g clip-path="url(#r)"><rect width="{labelWidth}" height="20" fill="{Grey}"/><rect x="{labelWidth}" width="{messageWidth}" height="20" fill="{color}"/><rect width="{width}" height="20" fill="url(#s)"/></g>""");
        svg.Append("""<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">""");
        AppendText(svg, labelWidth / 2.0, l);
        AppendText(svg, labelWidth + messageWidth / 2.0, m);
        svg.Append("</g></svg>");
        return svg.ToString();
    }

    /// <summary>Approximate width in px of <paramref name="text"/> in 11 px Verdana.</summary>
    public static int TextWidth(string text)
    {
        double width = 0;
        foreach (var c in text)
        {
            width += c switch
            {
                'i' or 'l' or 'I' or '|' or '\'' or '.' or ',' or ':' or ';' or '!' => 3.5,
                'f' or 'j' or 'r' or 't' or ' ' or '(' or ')' or '[' or ']' => 4.6,
                'm' or 'w' or 'M' or 'W' or '%' => 10.5,
                >= 'A' and <= 'Z' => 7.6,
                >= '0' and <= '9' => 7,
                _ => 6.8,
            };
        }

        return (int)Math.Ceiling(width);
    }

    private static void AppendText(StringBuilder svg, double x, string text)
    {
        var at = x.ToString("0.#", CultureInfo.InvariantCulture);
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{at}" y="15" fill="#010101" fill-opacity=".3">{text}</text><text x="{at}" y="14">{text}</text>""");
    }

    /// <summary>XML-escaped, without the control characters XML 1.0 cannot carry at all.</summary>
    private static string Escape(string text) =>
        SecurityElement.Escape(string.Concat(text.Where(c => c is '\t' or '\n' or '\r' || !char.IsControl(c)))) ?? string.Empty;
}
