namespace Monitoring.Gateway.Description;

/// <summary>The content types operations are described with.</summary>
public static class ApiContent
{
    /// <summary>Every request and response body of the API.</summary>
    public const string Json = "application/json";

    /// <summary>The answer of a ping.</summary>
    public const string Text = "text/plain";
}
