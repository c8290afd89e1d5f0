using Monitoring.Gateway.Errors;

namespace Monitoring.Gateway.Api;

/// <summary>The 405 of a method a resource does not support, named as Feathers names it.</summary>
public static class ReadOnly
{
    public static IResult NotAllowed(HttpRequest request, string why)
    {
        var method = request.Method switch
        {
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            _ => "remove",
        };
        return ErrorResults.Error(405, $"Method `{method}` is not supported by this endpoint: {why}");
    }
}
