using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Sql;

/// <summary>One numbered SQL file of sql/migrations, embedded in this assembly.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum)
{
    /// <summary>The first line that makes a migration run statement by statement, outside a transaction (for CONCURRENTLY).</summary>
    public const string NoTransactionMarker = "-- migration: no transaction";

    /// <summary>Whether the file starts with <see cref="NoTransactionMarker"/>.</summary>
    public bool OutsideTransaction => Sql.TrimStart().StartsWith(NoTransactionMarker, StringComparison.Ordinal);

    /// <summary>
    /// The statements of a migration that runs outside a transaction: split at each ';' that ends a line; comment lines
    /// are dropped. Such files hold plain statements only (no function bodies or quoted ';' at a line end).
    /// </summary>
    public IReadOnlyList<string> Statements()
    {
        var statements = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var line in Sql.ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            current.AppendLine(line);
            if (trimmed.EndsWith(';'))
            {
                statements.Add(current.ToString().Trim());
                current.Clear();
            }
        }

        if (current.ToString().Trim() is { Length: > 0 } rest)
        {
            statements.Add(rest);
        }

        return statements;
    }

    private static readonly Lazy<IReadOnlyList<Migration>> All = new(LoadEmbedded);

    /// <summary>Every migration this build knows, in the order they apply.</summary>
    public static IReadOnlyList<Migration> Embedded => All.Value;

    public static int LatestVersion => Embedded[^1].Version;

    private static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migration).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            var name = resource["migrations/".Length..];
            var digits = new string(name.TakeWhile(char.IsAsciiDigit).ToArray());
            if (digits.Length == 0)
            {
                throw new InvalidOperationException($"Migration file '{name}' does not start with its number.");
            }

            var sql = Read(assembly, resource);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
            migrations.Add(new Migration(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture), name, sql, checksum));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share the number {duplicate.Key}.");
        }

        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
