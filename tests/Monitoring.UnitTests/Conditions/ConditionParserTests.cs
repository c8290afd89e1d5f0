using Monitoring.Grains;
using Monitoring.Grains.Conditions;

namespace Monitoring.UnitTests.Conditions;

/// <summary>Parsing conditions: what each part becomes, and for a wrong one an error that says what and where.</summary>
public sealed class ConditionParserTests
{
    [Theory]
    [InlineData("[STATUS] == 200", Placeholder.Status, LeftFunction.None, ConditionOperator.Equal, RightKind.Literal, "200")]
    [InlineData("  [RESPONSE_TIME]<=300 ", Placeholder.ResponseTime, LeftFunction.None, ConditionOperator.LessOrEqual, RightKind.Literal, "300")]
    [InlineData("[BODY].a.b[0].c != x y", Placeholder.Body, LeftFunction.None, ConditionOperator.NotEqual, RightKind.Literal, "x y")]
    [InlineData("len([BODY].data) > 0", Placeholder.Body, LeftFunction.Len, ConditionOperator.Greater, RightKind.Literal, "0")]
    [InlineData("has([BODY].errors) == false", Placeholder.Body, LeftFunction.Has, ConditionOperator.Equal, RightKind.Literal, "false")]
    [InlineData("[STATUS] == any(200, 204)", Placeholder.Status, LeftFunction.None, ConditionOperator.Equal, RightKind.Any, "200|204")]
    [InlineData("[BODY] == pat(*<html>*)", Placeholder.Body, LeftFunction.None, ConditionOperator.Equal, RightKind.Pattern, "*<html>*")]
    [InlineData("[HEADER].Content-Type != pat(text/*)", Placeholder.Header, LeftFunction.None, ConditionOperator.NotEqual, RightKind.Pattern, "text/*")]
    [InlineData("[CERTIFICATE_EXPIRATION] >= 48h", Placeholder.CertificateExpiration, LeftFunction.None, ConditionOperator.GreaterOrEqual, RightKind.Literal, "48h")]
    [InlineData("[CONNECTED] < true", Placeholder.Connected, LeftFunction.None, ConditionOperator.Less, RightKind.Literal, "true")]
    [InlineData("[status] == 200", Placeholder.Status, LeftFunction.None, ConditionOperator.Equal, RightKind.Literal, "200")]
    public void A_condition_is_read_into_its_parts(string text, Placeholder placeholder, LeftFunction function, ConditionOperator op, RightKind right, string values)
    {
        Assert.True(ConditionParser.TryParse(text, out var condition, out var error), error);

        Assert.Equal(placeholder, condition!.Placeholder);
        Assert.Equal(function, condition.Function);
        Assert.Equal(op, condition.Operator);
        Assert.Equal(right, condition.Right);
        Assert.Equal(values, string.Join('|', condition.Values));
    }

    [Fact]
    public void A_body_path_is_read_step_by_step()
    {
        Assert.True(ConditionParser.TryParse("[BODY].a.b[0].c[12] == 1", out var condition, out _));

        Assert.Equal([new PathStep("a", null), new PathStep("b", null), new PathStep(null, 0), new PathStep("c", null), new PathStep(null, 12)], condition!.Path);
        Assert.True(ConditionParser.TryParse("[BODY][0] == 1", out var array, out _));
        Assert.Equal([new PathStep(null, 0)], array!.Path);
        Assert.True(ConditionParser.TryParse("[HEADER].X-Request-Id == 1", out var header, out _));
        Assert.Equal("X-Request-Id", header!.HeaderName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("[STATUS] 200", "no operator")]
    [InlineData("[STATUS] === 200", "'=' at character 12 right after the operator ==")]
    [InlineData("[STATUS] !== 200", "'=' at character 12 right after the operator !=")]
    [InlineData("[STATUS] ==", "nothing after the operator at character 10")]
    [InlineData("[FOO] == 1", "placeholder at character 1")]
    [InlineData("200 == [STATUS]", "placeholder at character 1")]
    [InlineData("[STATUS].x == 1", "after [STATUS] at character 9")]
    [InlineData("[BODY].a[x] == 1", "array index such as [0] at character 9")]
    [InlineData("[BODY]..a == 1", "property name at character 8")]
    [InlineData("[BODY]x == 1", "expects '.' or '[' at character 7")]
    [InlineData("[HEADER] == 1", "header name after [HEADER] at character 9")]
    [InlineData("len([BODY].a == 1", "'(' at character 4 is never closed")]
    [InlineData("[BODY == 1", "'[' at character 1 is never closed")]
    [InlineData("has([STATUS]) == true", "not a [BODY] path")]
    [InlineData("[STATUS] > any(1, 2)", "any() with an operator other than ==")]
    [InlineData("[STATUS] == any(1, )", "empty value in any()")]
    [InlineData("[BODY] < pat(*x*)", "uses pat() at character 10 with an operator other than == or !=")]
    [InlineData("[STATUS] == 200 && [BODY] == x", "has && at character 17: a condition has one operator")]
    [InlineData("[STATUS] == 200 || [STATUS] == 204", "has || at character 17")]
    [InlineData("[STATUS] = 200", "has '=' at character 10, which is no operator")]
    [InlineData("[BODY] == pat(*x*", "does not close it")]
    public void A_wrong_condition_says_what_was_expected_and_where(string text, string expected)
    {
        Assert.False(ConditionParser.TryParse(text, out var condition, out var error));

        Assert.Null(condition);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_condition_is_at_most_500_characters()
    {
        Assert.True(ConditionParser.TryParse("[BODY] == " + new string('x', 490), out _, out _));
        Assert.False(ConditionParser.TryParse("[BODY] == " + new string('x', 491), out _, out var error));
        Assert.Contains("500", error);
    }

    [Theory]
    [InlineData("48h", 48 * 3600_000.0)]
    [InlineData("30m", 30 * 60_000.0)]
    [InlineData("1h30m", 90 * 60_000.0)]
    [InlineData("500ms", 500.0)]
    [InlineData("1.5s", 1500.0)]
    [InlineData("2h0m5s", 7205_000.0)]
    public void Durations_are_read_as_go_writes_them(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10d")]
    [InlineData("h")]
    [InlineData("1h30")]
    [InlineData("-5m")]
    public void Not_durations(string text) => Assert.False(DurationText.TryParse(text, out _));
}
