namespace Monitoring.Grains.Services;

/// <summary>Lengths as PostgreSQL's varchar(n) counts them: characters (code points), not UTF-16 units.</summary>
internal static class TextLength
{
    public static int Of(string text) => text.EnumerateRunes().Count();
}
