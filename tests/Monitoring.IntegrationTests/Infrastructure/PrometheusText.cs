using System.Globalization;
using System.Text;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>One sample of a Prometheus text scrape: the series' name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Whether every label of <paramref name="wanted"/> is on this sample with that value (others may be too).</summary>
    public bool Has(IReadOnlyDictionary<string, string> wanted) =>
        wanted.All(label => Labels.TryGetValue(label.Key, out var value) && value == label.Value);
}

/// <summary>Reads the Prometheus text exposition format (what OpenTelemetry's Prometheus exporter writes) into samples.</summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, string text)
    {
        Samples = samples;
        Text = text;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The scrape as it came.</summary>
    public string Text { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseLine(line.TrimEnd('\r')));
        }

        return new PrometheusText(samples, text);
    }

    /// <summary>The samples named <paramref name="name"/> that carry every label of <paramref name="labels"/> (given as name, value, name, value...).</summary>
    public IReadOnlyList<PrometheusSample> Find(string name, params string[] labels)
    {
        var wanted = new Dictionary<string, string>();
        for (var i = 0; i + 1 < labels.Length; i += 2)
        {
            wanted[labels[i]] = labels[i + 1];
        }

        return Samples.Where(s => s.Name == name && s.Has(wanted)).ToList();
    }

    /// <summary>The value of the one sample <see cref="Find"/> answers; fails when there is none or more than one.</summary>
    public double Value(string name, params string[] labels)
    {
        var found = Find(name, labels);
        Assert.True(found.Count == 1, $"expected one sample of {name} {{{string.Join(",", labels)}}}, found {found.Count}:\n{string.Join("\n", Text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal)).Take(20))}");
        return found[0].Value;
    }

    private static PrometheusSample ParseLine(string line)
    {
        var labels = new Dictionary<string, string>();
        var nameEnd = line.IndexOfAny(['{', ' ']);
        var name = line[..nameEnd];
        var at = nameEnd;
        if (line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                var equals = line.IndexOf('=', at);
                var key = line[at..equals];
                at = equals + 2;
                var value = new StringBuilder();
                while (line[at] != '"')
                {
                    if (line[at] == '\\')
                    {
                        at++;
                        value.Append(line[at] == 'n' ? '\n' : line[at]);
                    }
                    else
                    {
                        value.Append(line[at]);
                    }

                    at++;
                }

                labels[key] = value.ToString();
                at++;
                if (line[at] == ',')
                {
                    at++;
                }
            }

            at++;
        }

        var fields = line[at..].Trim().Split(' ');
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var text => double.Parse(text, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
