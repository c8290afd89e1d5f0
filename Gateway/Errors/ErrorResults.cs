using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Errors;

/// <summary>Feathers error responses, as results for handlers and as writes for middleware.</summary>
public static class ErrorResults
{
    public static IResult Error(int code, string message, IReadOnlyDictionary<string, string>? errors = null) =>
        TypedResults.Json(FeathersError.Of(code, message, errors), ApiJson.Context.FeathersError, statusCode: code);

    public static IResult BadRequest(string message, IReadOnlyDictionary<string, string>? errors = null) => Error(400, message, errors);

    public static IResult NoRecord(object id) => Error(404, $"No record found for id '{id}'");

    public static IResult From(Failure failure) => Error((int)failure.Kind, failure.Message, failure.Errors);

    public static Task WriteAsync(HttpContext context, FeathersError error)
    {
        context.Response.StatusCode = error.Code;
        return context.Response.WriteAsJsonAsync(error, ApiJson.Context.FeathersError, contentType: "application/json; charset=utf-8");
    }
}
