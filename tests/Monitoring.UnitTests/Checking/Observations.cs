using System.Text;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

/// <summary>Builds the observations the classifier is fed, as the checker would have made them.</summary>
internal static class Observations
{
    public static HttpObservation Answer(int statusCode, string body = "", int responseTimeMs = 10) =>
        new(statusCode, responseTimeMs, Encoding.UTF8.GetBytes(body));

    public static CheckResult Classify(int statusCode, string body = "", int responseTimeMs = 10, int expectedStatusCode = 200, int? degradedThresholdMs = 2000) =>
        HealthClassifier.Classify(Answer(statusCode, body, responseTimeMs), expectedStatusCode, degradedThresholdMs, timeoutMs: 5000);
}
