using Monitoring.Grains.Heartbeats;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.UnitTests.Heartbeats;

/// <summary>What a report stores (monitors.md, "heartbeat"), and the token's properties.</summary>
public sealed class PingResultTests
{
    private static readonly DateTimeOffset Now = Times.At("2026-05-01T12:00:10Z");
    private static readonly byte[] Hash = new byte[32];

    public static TheoryData<PingKind, int?, string?, string?, HealthStatus, string?> Reports() => new()
    {
        { PingKind.Success, null, null, null, HealthStatus.Up, null },
        { PingKind.Success, 0, null, "ignored", HealthStatus.Up, null },
        { PingKind.Fail, null, null, null, HealthStatus.Down, "reported failure" },
        { PingKind.Fail, null, null, "  disk full\n", HealthStatus.Down, "reported failure: disk full" },
        { PingKind.Fail, 3, null, null, HealthStatus.Down, "exit status 3" },
        { PingKind.Fail, 255, null, "segfault", HealthStatus.Down, "exit status 255: segfault" },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void A_report_is_up_or_down_with_the_contract_error(PingKind kind, int? exit, string? unused, string? body, HealthStatus status, string? error)
    {
        _ = unused;
        var result = PingResult.Of(new PingReport(Hash, kind, exit, body), Now, runStartedAt: null);

        Assert.Equal(status, result.Status);
        Assert.Equal(error, result.Error);
        Assert.Null(result.StatusCode);
        Assert.Equal(0, result.ResponseTimeMs);
    }

    [Theory]
    [InlineData("2026-05-01T12:00:00Z", 10_000)]
    [InlineData("2026-05-01T12:00:10Z", 0)]
    [InlineData("2026-05-01T12:00:11Z", 0)] // a start "after" now (clocks of two silos): no negative run time
    public void The_response_time_is_the_run_time_since_the_latest_start(string startedAt, int expected)
    {
        var result = PingResult.Of(new PingReport(Hash, PingKind.Success, null, null), Now, Times.At(startedAt));

        Assert.Equal(expected, result.ResponseTimeMs);
    }

    [Fact]
    public void A_failure_keeps_at_most_1_KiB_of_the_body()
    {
        var result = PingResult.Of(new PingReport(Hash, PingKind.Fail, null, new string('x', 5000)), Now, null);

        Assert.Equal("reported failure: ".Length + 1024, result.Error!.Length);
    }

    [Fact]
    public void Tokens_carry_128_random_bits_in_url_safe_characters_and_match_only_their_own_hash()
    {
        var tokens = Enumerable.Range(0, 200).Select(_ => PingToken.New()).ToArray();

        Assert.All(tokens, t => Assert.Equal(22, t.Length));
        Assert.All(tokens, t => Assert.True(PingToken.LooksLikeToken(t)));
        Assert.Equal(tokens.Length, tokens.Distinct().Count());
        Assert.True(PingToken.Matches(PingToken.Hash(tokens[0]), PingToken.Hash(tokens[0])));
        Assert.False(PingToken.Matches(PingToken.Hash(tokens[0]), PingToken.Hash(tokens[1])));
        Assert.False(PingToken.Matches(null, PingToken.Hash(tokens[1])));
        Assert.False(PingToken.LooksLikeToken("short"));
        Assert.False(PingToken.LooksLikeToken("has/slash-and-is-long-enough"));
        Assert.Equal(32, PingToken.Hash(tokens[0]).Length);
    }

    [Fact]
    public void A_report_prints_neither_its_hash_nor_its_body()
    {
        var text = new PingReport([1, 2, 3], PingKind.Fail, 2, "secret body").ToString();

        Assert.Equal("ping Fail (exit status 2)", text);
    }
}
