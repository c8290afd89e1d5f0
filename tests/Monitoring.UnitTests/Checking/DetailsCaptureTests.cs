using System.Text;
using System.Text.Json;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class DetailsCaptureTests
{
    [Theory]
    [InlineData("""{"status":"ok","checks":{"db":"ok"}}""", """{"db":"ok"}""")]
    [InlineData("""{"status":"ok","checks":{ "db" : { "status" : "ok", "ms" : 3 } }}""", """{ "db" : { "status" : "ok", "ms" : 3 } }""")]
    [InlineData("""{"status":"ok","services":[{"name":"a","status":"up"}]}""", """[{"name":"a","status":"up"}]""")]
    [InlineData("""{"dependencies":{"queue":"down"}}""", """{"queue":"down"}""")]
    [InlineData("""{"checks":"n/a","services":{"api":"up"}}""", """{"api":"up"}""")]
    [InlineData("""{"checks":{"db":"ok"},"services":{"api":"down"}}""", """{"db":"ok"}""")]
    [InlineData("""{"status":"ok","checks":{}}""", "{}")]
    [InlineData("""{"status":"ok"}""", null)]
    [InlineData("""{"status":"ok","checks":null,"services":7}""", null)]
    [InlineData("""{"status":"ok","details":{"db":"ok"}}""", null)]
    public void Captures_the_first_checks_services_or_dependencies_entry_as_sent(string body, string? expectedDetails)
    {
        var result = Observations.Classify(200, body);

        Assert.Equal(expectedDetails, result.DetailsJson);
    }

    [Fact]
    public void Details_of_exactly_the_cap_are_kept_as_sent()
    {
        // {"k":"xxx…"} is 8 bytes of structure around the value.
        var details = $$"""{"k":"{{new string('x', ReportedHealth.MaxDetailsBytes - 8)}}"}""";
        Assert.Equal(ReportedHealth.MaxDetailsBytes, Encoding.UTF8.GetByteCount(details));

        var result = Observations.Classify(200, $$"""{"status":"ok","checks":{{details}}}""");

        Assert.Equal(details, result.DetailsJson);
    }

    [Fact]
    public void Larger_object_details_keep_whole_entries_up_to_16_KiB_and_count_the_dropped_ones()
    {
        var entries = Enumerable.Range(0, 100).ToDictionary(i => $"dep{i}", i => new string((char)('a' + (i % 26)), 300));
        var body = JsonSerializer.Serialize(new { status = "ok", checks = entries });

        var details = Observations.Classify(200, body).DetailsJson!;

        Assert.True(Encoding.UTF8.GetByteCount(details) <= ReportedHealth.MaxDetailsBytes);
        using var document = JsonDocument.Parse(details);
        var kept = document.RootElement.EnumerateObject().Where(p => p.Name != "_truncated").ToList();
        Assert.Equal(100 - kept.Count, document.RootElement.GetProperty("_truncated").GetInt32());
        Assert.InRange(kept.Count, 40, 99);
        Assert.All(kept, p => Assert.Equal(entries[p.Name], p.Value.GetString()));
        Assert.Equal(entries.Keys.Take(kept.Count), kept.Select(p => p.Name));
    }

    [Fact]
    public void Larger_array_details_become_an_object_keyed_by_index_with_the_dropped_count()
    {
        var items = Enumerable.Range(0, 100).Select(i => new { name = $"dep{i}", status = "up", note = new string('n', 300) }).ToList();
        var body = JsonSerializer.Serialize(new { status = "ok", dependencies = items });

        var details = Observations.Classify(200, body).DetailsJson!;

        Assert.True(Encoding.UTF8.GetByteCount(details) <= ReportedHealth.MaxDetailsBytes);
        using var document = JsonDocument.Parse(details);
        var kept = document.RootElement.EnumerateObject().Where(p => p.Name != "_truncated").ToList();
        Assert.Equal(Enumerable.Range(0, kept.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), kept.Select(p => p.Name));
        Assert.All(kept, p => Assert.Equal($"dep{p.Name}", p.Value.GetProperty("name").GetString()));
        Assert.Equal(100 - kept.Count, document.RootElement.GetProperty("_truncated").GetInt32());
    }

    [Fact]
    public void A_single_entry_larger_than_the_cap_is_dropped_entirely()
    {
        var body = JsonSerializer.Serialize(new { status = "ok", checks = new { huge = new string('x', 20_000) } });

        var result = Observations.Classify(200, body);

        Assert.Equal("""{"_truncated":1}""", result.DetailsJson);
    }

    [Fact]
    public void The_cap_holds_for_entries_with_characters_the_json_writer_escapes()
    {
        // Non-ASCII and HTML-sensitive characters take more bytes once re-written than in the body.
        var entries = Enumerable.Range(0, 40).ToDictionary(i => $"dep{i}", _ => new string('é', 500) + new string('<', 500));
        var body = JsonSerializer.Serialize(new { status = "ok", checks = entries }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        var details = Observations.Classify(200, body).DetailsJson!;

        Assert.True(
            Encoding.UTF8.GetByteCount(details) <= ReportedHealth.MaxDetailsBytes,
            $"details are {Encoding.UTF8.GetByteCount(details)} bytes, over the cap of {ReportedHealth.MaxDetailsBytes}");
    }

    [Fact]
    public void Details_are_kept_when_the_check_is_down_for_another_reason()
    {
        var result = Observations.Classify(500, """{"status":"ok","checks":{"db":"ok"}}""");

        Assert.Equal("down", result.Status.ToWire());
        Assert.Equal("""{"db":"ok"}""", result.DetailsJson);
    }
}
