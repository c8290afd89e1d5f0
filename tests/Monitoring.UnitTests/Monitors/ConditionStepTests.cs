using System.Text;
using System.Text.Json;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;

namespace Monitoring.UnitTests.Monitors;

/// <summary>Conditions as the last step of an HTTP check's classification (monitors.md, "Conditions").</summary>
public sealed class ConditionStepTests
{
    private static readonly DateTimeOffset Now = Times.At("2026-05-01T12:00:00Z");

    private static HttpObservation Answer(int status, string body, DateTimeOffset? notAfter = null) =>
        new(status, 42, Encoding.UTF8.GetBytes(body), Headers: new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            CertificateNotAfter: notAfter);

    private static CheckResult Classified(HttpObservation observation) => HealthClassifier.Classify(observation, 200, 2000, 5000);

    private static bool[] Outcomes(CheckResult result) =>
        JsonDocument.Parse(result.ConditionResultsJson!).RootElement.EnumerateArray().Select(e => e.GetProperty("success").GetBoolean()).ToArray();

    [Fact]
    public void Without_conditions_the_result_is_untouched_and_has_no_condition_results()
    {
        var observation = Answer(200, "{}");
        var result = ConditionStep.Apply(Classified(observation), observation, [], Now);

        Assert.Equal(HealthStatus.Up, result.Status);
        Assert.Null(result.ConditionResultsJson);
    }

    [Fact]
    public void Conditions_that_hold_keep_the_status_and_are_listed_in_order()
    {
        var observation = Answer(200, """{"status":"UP","data":[{"id":42}]}""", Now.AddDays(20));
        var conditions = new[] { "[STATUS] == 200", "[BODY].data[0].id == 42", "[HEADER].content-type == pat(application/*)", "[CERTIFICATE_EXPIRATION] > 240h" };

        var result = ConditionStep.Apply(Classified(observation), observation, conditions, Now);

        Assert.Equal(HealthStatus.Up, result.Status);
        Assert.Equal([true, true, true, true], Outcomes(result));
        Assert.Equal("[STATUS] == 200", JsonDocument.Parse(result.ConditionResultsJson!).RootElement[0].GetProperty("condition").GetString());
    }

    [Fact]
    public void The_first_failed_condition_makes_the_result_down_and_names_what_was_got()
    {
        var observation = Answer(200, """{"status":"UP","errors":[1]}""");
        var conditions = new[] { "[BODY].status == UP", "has([BODY].errors) == false", "len([BODY].errors) == 0" };

        var result = ConditionStep.Apply(Classified(observation), observation, conditions, Now);

        Assert.Equal(HealthStatus.Down, result.Status);
        Assert.Equal("condition failed: has([BODY].errors) == false (got true)", result.Error);
        Assert.Equal([true, false, false], Outcomes(result));
    }

    [Fact]
    public void A_result_already_down_keeps_its_own_error()
    {
        var observation = Answer(503, "{}");

        var result = ConditionStep.Apply(Classified(observation), observation, ["[STATUS] == 200"], Now);

        Assert.Equal(HealthStatus.Down, result.Status);
        Assert.Equal("HTTP 503", result.Error);
        Assert.Equal([false], Outcomes(result));
    }

    [Fact]
    public void A_failed_condition_outranks_a_degraded_rule()
    {
        var observation = Answer(200, "{}") with { ResponseTimeMs = 2500 };

        var result = ConditionStep.Apply(Classified(observation), observation, ["[RESPONSE_TIME] < 1000"], Now);

        Assert.Equal(HealthStatus.Down, result.Status);
        Assert.Equal("condition failed: [RESPONSE_TIME] < 1000 (got 2500)", result.Error);
    }

    [Fact]
    public void Without_an_answer_every_condition_fails_and_the_transport_error_stays()
    {
        var observation = HttpObservation.Failed(TransportFailure.ConnectionRefused, 3);

        var result = ConditionStep.Apply(Classified(observation), observation, ["[CONNECTED] == false", "[STATUS] == 200"], Now);

        Assert.Equal("connection refused", result.Error);
        Assert.Equal([false, false], Outcomes(result));
    }

    [Fact]
    public void A_stored_condition_that_no_longer_parses_counts_as_failed()
    {
        var observation = Answer(200, "{}");

        var result = ConditionStep.Apply(Classified(observation), observation, ["[STATUS] == 200", "[NOPE] == 1"], Now);

        Assert.Equal(HealthStatus.Down, result.Status);
        Assert.StartsWith("condition failed: [NOPE] == 1 (got a condition that does not parse", result.Error, StringComparison.Ordinal);
    }
}
