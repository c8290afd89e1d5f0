using System.Text;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

/// <summary>Whatever a target sends, classification answers with a status and a storable error; it never throws.</summary>
public sealed class UnreadableAnswerClassificationTests
{
    [Theory]
    // Lone surrogates and NUL escapes: valid JSON, not storable text.
    [InlineData(@"{""status"":""\ud800""}", "up", null, "\uFFFD")]
    [InlineData(@"{""status"":""down"",""message"":""db\u0000down""}", "down", "reported status: down (db\uFFFDdown)", "down")]
    [InlineData(@"{""status"":""\udc00down""}", "up", null, "\uFFFDdown")]
    [InlineData(@"{""status"":""fail\ud83d""}", "up", null, "fail\uFFFD")]
    [InlineData(@"{""status"":""ok"",""checks"":{""db\ud800"":{""status"":""down"",""error"":""\u0000""}}}", "degraded", "dependency db\uFFFD reports a problem (\uFFFD)", "ok")]
    [InlineData(@"{""status"":""ok"",""checks"":[{""name"":""\ud800"",""status"":""fail""}]}", "degraded", "dependency \uFFFD reports a problem", "ok")]
    // A surrogate pair written as escapes stays as it is.
    [InlineData(@"{""status"":""down"",""message"":""\ud83d\ude00""}", "down", "reported status: down (\U0001F600)", "down")]
    // Not JSON after all: says nothing.
    [InlineData("{\"status\":\"down\"", "up", null, null)]
    [InlineData("{\"status\":\"down\",}", "up", null, null)]
    [InlineData("{\"status\":\"\u0000\"}", "up", null, null)]
    public void Text_a_target_sends_is_classified_and_made_storable(string body, string status, string? error, string? reported)
    {
        var result = Observations.Classify(200, body).Storable();

        Assert.Equal(status, result.Status.ToWire());
        Assert.Equal(error, result.Error);
        Assert.Equal(reported, result.ReportedStatus);
        Assert.True(result.DetailsJson is null || (StorableText.IsClean(result.DetailsJson) && !result.DetailsJson.Contains(@"\u0000", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF }, "utf-8")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF }, null)]
    [InlineData(new byte[0], null)]
    public void A_body_with_a_utf8_byte_order_mark_is_json(byte[] prefix, string? charset)
    {
        var body = prefix.Concat(Encoding.UTF8.GetBytes("{\"status\":\"down\"}")).ToArray();

        var result = HealthClassifier.Classify(new HttpObservation(200, 10, BodyText.ToUtf8(body, charset)), 200, 2000, 5000);

        Assert.Equal(("down", "reported status: down"), (result.Status.ToWire(), result.Error));
    }

    [Theory]
    [InlineData("utf-16", true)]
    [InlineData("utf-16le", false)]
    [InlineData("utf-16be", false)]
    [InlineData("UTF-32", false)]
    [InlineData("iso-8859-1", false)]
    public void A_body_in_another_unicode_encoding_is_read(string charset, bool withBom)
    {
        var encoding = charset.ToLowerInvariant() switch
        {
            "utf-16" or "utf-16le" => Encoding.Unicode,
            "utf-16be" => Encoding.BigEndianUnicode,
            "utf-32" => Encoding.UTF32,
            _ => Encoding.Latin1,
        };
        var body = (withBom ? encoding.GetPreamble() : []).Concat(encoding.GetBytes("{\"status\":\"warn\"}")).ToArray();

        var result = HealthClassifier.Classify(new HttpObservation(200, 10, BodyText.ToUtf8(body, withBom ? null : charset)), 200, 2000, 5000);

        Assert.Equal(("degraded", "reported status: warn"), (result.Status.ToWire(), result.Error));
    }

    [Theory]
    [InlineData(200, "degraded", "body could not be read: invalid gzip data")]
    [InlineData(503, "down", "HTTP 503")]
    [InlineData(404, "degraded", "HTTP 404")]
    public void An_answer_whose_body_could_not_be_decoded_is_degraded_and_keeps_its_status_code(int code, string status, string error)
    {
        var observation = new HttpObservation(code, 10, ReadOnlyMemory<byte>.Empty, BodyError: "body could not be read: invalid gzip data");

        var result = HealthClassifier.Classify(observation, 200, 2000, 5000);

        Assert.Equal((status, code, error), (result.Status.ToWire(), result.StatusCode, result.Error));
    }

    [Fact]
    public void A_denied_address_is_down_and_says_so()
    {
        var observation = HttpObservation.Failed(TransportFailure.Denied, 1, "metadata.internal resolves to 169.254.169.254, which is in the denied network 169.254.0.0/16");

        var result = HealthClassifier.Classify(observation, 200, 2000, 5000);

        Assert.Equal(("down", "address denied: metadata.internal resolves to 169.254.169.254, which is in the denied network 169.254.0.0/16"), (result.Status.ToWire(), result.Error));
    }
}
