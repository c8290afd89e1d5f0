using System.Text;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class StorableTextTests
{
    // Written as escapes: xunit's theory data cannot carry lone surrogates as they are.
    [Theory]
    [InlineData("plain", 100, "plain")]
    [InlineData(@"a\u0000b", 100, "a\uFFFDb")]
    [InlineData(@"\ud800", 100, "\uFFFD")]
    [InlineData(@"x\udc00y", 100, "x\uFFFDy")]
    [InlineData(@"\ud83d\ude00", 100, "\ud83d\ude00")]
    [InlineData("abcdef", 4, "abc…")]
    [InlineData("abcd", 4, "abcd")]
    [InlineData(@"ab\ud83d\ude00", 3, "ab…")]
    [InlineData(@"a\ud83d\ude00bc", 4, "a\ud83d\ude00…")]
    [InlineData("", 4, "")]
    public void Replaces_what_postgres_refuses_and_bounds_the_length(string escaped, int max, string expected)
    {
        var text = System.Text.RegularExpressions.Regex.Unescape(escaped);

        var clean = StorableText.Clean(text, max)!;

        Assert.Equal(expected, clean);
        Assert.True(StorableText.IsClean(clean));
        Assert.True(clean.Length <= max);
        Assert.Equal(clean, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(clean)));
    }

    [Theory]
    [InlineData(@"{""a"":""\u0000""}", @"{""a"":""\ufffd""}")]
    [InlineData(@"{""a"":""\ud800""}", @"{""a"":""\ufffd""}")]
    [InlineData(@"{""a"":""\uDC00x""}", @"{""a"":""\ufffdx""}")]
    [InlineData(@"{""a"":""\ud800\u0041""}", @"{""a"":""\ufffd\u0041""}")]
    [InlineData(@"{""a"":""\ud83d\ude00""}", @"{""a"":""\ud83d\ude00""}")]
    [InlineData(@"{""a"":""\\u0000""}", @"{""a"":""\\u0000""}")]
    [InlineData(@"{""\u0000"":1}", @"{""\ufffd"":1}")]
    [InlineData(@"{""a"":""\u00""}", @"{""a"":""\u00""}")]
    [InlineData(@"{""a"":""\", @"{""a"":""\")]
    public void Json_escapes_that_are_not_text_become_the_replacement_character(string json, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(JsonEscapes.Normalize(Encoding.UTF8.GetBytes(json)).Span));
}
