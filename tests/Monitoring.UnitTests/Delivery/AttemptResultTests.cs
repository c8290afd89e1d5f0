using System.Net;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "Deliveries": a receiver accepts a delivery with a 2xx; a 4xx other than 408, 409 and 429 is
/// final at once, and a 410 also disables the channel; everything else is tried again, honouring
/// <c>Retry-After</c>.
/// </summary>
public sealed class AttemptResultTests
{
    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(202)]
    [InlineData(204)]
    [InlineData(299)]
    public void A_2xx_is_accepted(int code)
    {
        var result = AttemptResult.FromHttp((HttpStatusCode)code, TimeSpan.FromSeconds(30), "OK");

        Assert.True(result.Accepted);
        Assert.Equal(code, result.StatusCode);
        Assert.False(result.Final);
        Assert.False(result.DisableChannel);
        Assert.Null(result.Error);
        Assert.Null(result.RetryAfter);
    }

    /// <summary>Each row: the status code, whether it is final, whether it disables the channel.</summary>
    [Theory]
    [InlineData(300, false, false)]
    [InlineData(301, false, false)]
    [InlineData(302, false, false)]
    [InlineData(307, false, false)]
    [InlineData(400, true, false)]
    [InlineData(401, true, false)]
    [InlineData(403, true, false)]
    [InlineData(404, true, false)]
    [InlineData(405, true, false)]
    [InlineData(408, false, false)]
    [InlineData(409, false, false)]
    [InlineData(410, true, true)]
    [InlineData(413, true, false)]
    [InlineData(422, true, false)]
    [InlineData(429, false, false)]
    [InlineData(499, true, false)]
    [InlineData(500, false, false)]
    [InlineData(502, false, false)]
    [InlineData(503, false, false)]
    [InlineData(504, false, false)]
    [InlineData(599, false, false)]
    public void A_refusal_is_final_only_for_a_4xx_other_than_408_409_and_429(int code, bool final, bool disableChannel)
    {
        var result = AttemptResult.FromHttp((HttpStatusCode)code, null, "Reason");

        Assert.False(result.Accepted);
        Assert.Equal(code, result.StatusCode);
        Assert.Equal(final, result.Final);
        Assert.Equal(disableChannel, result.DisableChannel);
    }

    /// <summary>Each row: the status code, and whether its Retry-After is kept (only for an answer tried again).</summary>
    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(409, true)]
    [InlineData(500, true)]
    [InlineData(302, true)]
    [InlineData(400, false)]
    [InlineData(410, false)]
    [InlineData(404, false)]
    [InlineData(200, false)]
    public void Retry_after_is_kept_only_for_an_answer_that_is_tried_again(int code, bool kept)
    {
        var retryAfter = TimeSpan.FromSeconds(120);

        var result = AttemptResult.FromHttp((HttpStatusCode)code, retryAfter, null);

        Assert.Equal(kept ? (TimeSpan?)retryAfter : null, result.RetryAfter);
    }

    [Theory]
    [InlineData(503, "Service Unavailable", "HTTP 503 Service Unavailable")]
    [InlineData(404, "Not Found", "HTTP 404 Not Found")]
    [InlineData(500, null, "HTTP 500")]
    [InlineData(500, "  ", "HTTP 500")]
    public void The_error_names_the_status_code_and_the_reason(int code, string? reason, string error)
    {
        Assert.Equal(error, AttemptResult.FromHttp((HttpStatusCode)code, null, reason).Error);
    }

    [Fact]
    public void No_answer_is_tried_again()
    {
        var result = AttemptResult.NoAnswer("connection refused");

        Assert.Equal(new AttemptResult(false, null, "connection refused", Final: false, DisableChannel: false, RetryAfter: null), result);
    }
}
