using Monitoring.Grains.Conditions;

namespace Monitoring.UnitTests.Conditions;

/// <summary>
/// monitors.md's conditions, one row per placeholder, operator and function, and every example of the contract, against
/// one answer: status 200 in 120 ms, a JSON body, two headers, a certificate that expires in 10 days.
/// </summary>
public sealed class ConditionEvaluatorTests
{
    private const string Json = """{"status":"UP","data":[{"id":42,"name":"a"},{"id":7}],"errors":null,"count":3,"ratio":0.5,"ok":true,"nested":{"deep":{"value":"x"}},"empty":[],"text":"héllo"}""";

    private static readonly ConditionContext Answer = new(
        200, 120, Json, Connected: true, TimeSpan.FromDays(10),
        new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8", ["X-Version"] = "1.2.3" });

    public static TheoryData<string, bool> Rows => new()
    {
        // The contract's examples.
        { "[STATUS] == 200", true },
        { "[STATUS] == any(200, 204)", true },
        { "[BODY].status == UP", true },
        { "[RESPONSE_TIME] < 300", true },
        { "len([BODY].data) > 0", true },
        { "[BODY].data[0].id == 42", true },
        { "has([BODY].errors) == false", false },
        { "[CERTIFICATE_EXPIRATION] > 240h", false },
        { "[BODY] == pat(*healthy*)", false },
        { "[HEADER].Content-Type == pat(application/json*)", true },

        // Every placeholder.
        { "[STATUS] != 500", true },
        { "[RESPONSE_TIME] >= 120", true },
        { "[RESPONSE_TIME] > 120", false },
        { "[CONNECTED] == true", true },
        { "[CERTIFICATE_EXPIRATION] > 239h", true },
        { "[CERTIFICATE_EXPIRATION] < 10d", false },
        { "[CERTIFICATE_EXPIRATION] >= 864000000", true },
        { "[HEADER].x-version == 1.2.3", true },
        { "len([HEADER].Missing) == 0", true },
        { "len([HEADER].X-Version) == 5", true },
        { "[BODY].nested.deep.value == x", true },
        { "[BODY].data[1].id == 7", true },
        { "[BODY].data[2].id == 7", false },
        { "[BODY].missing == UP", false },
        { "[BODY].ok == true", true },
        { "[BODY].ratio < 1", true },
        { "[BODY].ratio == 0.50", true },

        // Operators on numbers, durations and text.
        { "[BODY].count < 10", true },
        { "[BODY].count <= 3", true },
        { "[BODY].count > 3", false },
        { "[BODY].count >= 4", false },
        { "[BODY].status != DOWN", true },
        { "[BODY].status < V", true },
        { "[BODY].status == up", false },

        // Functions.
        { "len([BODY].data) == 2", true },
        { "len([BODY].empty) == 0", true },
        { "len([BODY].text) == 5", true },
        { "len([BODY].nested) == 1", true },
        { "len([BODY].missing) == 0", true },
        { "has([BODY].data) == true", true },
        { "has([BODY].nope) == false", true },
        { "[BODY].status == any(DOWN, UP)", true },
        { "[BODY].status == any(DOWN, DEGRADED)", false },
        { "[BODY] != pat(*\"errors\":[*)", true },
        { "[BODY] == pat(*\"status\":\"UP\"*)", true },
        { "[HEADER].Content-Type == pat(*charset=utf-8)", true },
        { "[HEADER].Content-Type == pat(text/*)", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_condition_holds_or_not_as_the_contract_says(string text, bool expected)
    {
        Assert.True(ConditionParser.TryParse(text, out var condition, out var error), error);

        var result = Assert.Single(ConditionEvaluator.EvaluateAll([condition!], Answer));

        Assert.Equal(expected, result.Success);
        Assert.Equal(text, result.Condition);
    }

    [Fact]
    public void The_error_names_the_first_failed_condition_and_what_was_got()
    {
        var conditions = new[] { "[STATUS] == 200", "[BODY].status == DOWN", "[RESPONSE_TIME] > 1000" }.Select(Parse).ToList();

        var results = ConditionEvaluator.EvaluateAll(conditions, Answer);

        Assert.Equal([true, false, false], results.Select(r => r.Success));
        Assert.Equal("condition failed: [BODY].status == DOWN (got UP)", ConditionEvaluator.FirstFailure(results));
        Assert.Null(ConditionEvaluator.FirstFailure(ConditionEvaluator.EvaluateAll([Parse("[STATUS] == 200")], Answer)));
    }

    [Theory]
    [InlineData("[CONNECTED] == false")]
    [InlineData("[STATUS] == 200")]
    [InlineData("has([BODY].x) == false")]
    public void Without_an_answer_every_condition_fails(string text)
    {
        var none = new ConditionContext(null, 5000, null, Connected: false, null, new Dictionary<string, string>());

        var result = Assert.Single(ConditionEvaluator.EvaluateAll([Parse(text)], none));

        Assert.False(result.Success);
        Assert.Equal("no answer", result.Actual);
    }

    [Theory]
    [InlineData("not json at all", "[BODY].status == UP", false)]
    [InlineData("not json at all", "[BODY] == pat(not*)", true)]
    [InlineData("[1,2,3]", "[BODY][1] == 2", true)]
    [InlineData("[1,2,3]", "len([BODY][5]) == 0", true)]
    [InlineData("\"plain\"", "[BODY] == \"plain\"", true)]
    public void A_body_that_is_not_an_object_is_read_as_it_is(string body, string text, bool expected)
    {
        var context = Answer with { Body = body };

        Assert.Equal(expected, Assert.Single(ConditionEvaluator.EvaluateAll([Parse(text)], context)).Success);
    }

    [Fact]
    public void A_certificate_is_zero_without_tls()
    {
        var plain = Answer with { CertificateExpiresIn = null };

        Assert.False(Assert.Single(ConditionEvaluator.EvaluateAll([Parse("[CERTIFICATE_EXPIRATION] > 0")], plain)).Success);
        Assert.True(Assert.Single(ConditionEvaluator.EvaluateAll([Parse("[CERTIFICATE_EXPIRATION] == 0")], plain)).Success);
    }

    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "a*", true)]
    [InlineData("abc", "*c", true)]
    [InlineData("abc", "*b*", true)]
    [InlineData("abc", "*", true)]
    [InlineData("", "*", true)]
    [InlineData("", "", true)]
    [InlineData("abc", "", false)]
    [InlineData("abc", "abcd", false)]
    [InlineData("aXbXc", "a*c", true)]
    [InlineData("ab", "a*b*c", false)]
    [InlineData("a.c", "a?c", false)]
    [InlineData("a(b)c", "a(*)c", true)]
    public void Patterns_know_only_the_star(string text, string pattern, bool matches) =>
        Assert.Equal(matches, ConditionEvaluator.Glob(text, pattern));

    [Fact]
    public void A_pattern_that_would_make_a_regular_expression_backtrack_is_still_quick()
    {
        var text = new string('a', 65_536);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(ConditionEvaluator.Glob(text, "*a*a*a*a*a*a*a*a*b"));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    private static Condition Parse(string text) => ConditionParser.TryParse(text, out var condition, out var error) ? condition! : throw new ArgumentException(error);
}
