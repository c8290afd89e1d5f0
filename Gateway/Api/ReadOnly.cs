using Monitoring.Gateway.Errors;

namespace Monitoring.Gateway.Api;

/// <summary>The 405 of a method a resource does not support, named as Feathers names it.</summary>
public static class ReadOnly
{
    /// <summary>A Feathers MethodNotAllowed for <paramref name="request"/>'s method, saying <paramref name="why"/> when given.</summary>
    public static IResult NotAllowed(HttpRequest request, string? why = null)
    {
        var method = request.Method switch
        {
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            _ => "remove",
        };
        return ErrorResults.Error(405, why is null
            ? $"Method `{method}` is not supported by this endpoint."
            : $"Method `{method}` is not supported by this endpoint: {why}");
    }
}

/// <summary>Marks an endpoint that only answers 405 for methods a resource lacks: not an operation of the API.</summary>
public sealed class MethodNotAllowedEndpoint
{
    /// <summary>The one instance endpoints carry.</summary>
    public static readonly MethodNotAllowedEndpoint Instance = new();

    private MethodNotAllowedEndpoint()
    {
    }
}
