using Npgsql;

namespace Monitoring.Gateway.Errors;

/// <summary>
/// Turns whatever escapes a handler into a Feathers error object: 413 for an oversized body, 503 when
/// the cluster or the database cannot be reached, 500 (without details) for anything else.
/// Empty 404 and 405 answers of routing get a body too.
/// </summary>
public sealed partial class FeathersErrorMiddleware(RequestDelegate next, ILogger<FeathersErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? FeathersError.Of(413, "Request body too large")
                : FeathersError.Of(ex.StatusCode is >= 400 and < 500 ? ex.StatusCode : 400, $"Bad request: {ex.Message}");
            await ErrorResults.WriteAsync(context, error);
            return;
        }
        catch (Exception ex) when (IsUnavailable(ex) && !context.Response.HasStarted)
        {
            LogUnavailable(logger, context.Request.Method, Api.PingApi.Redact(context.Request.Path), ex.GetType().Name, ex.Message);
            await ErrorResults.WriteAsync(context, FeathersError.Of(503, "The service is temporarily unavailable (cluster or database unreachable); try again"));
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, context.Request.Method, Api.PingApi.Redact(context.Request.Path), ex);
            await ErrorResults.WriteAsync(context, FeathersError.Of(500, "Internal server error"));
            return;
        }

        if (context.Response is { HasStarted: false, ContentLength: null, StatusCode: 404 or 405 } && context.Response.ContentType is null)
        {
            await ErrorResults.WriteAsync(context, RoutingError(context));
        }
    }

    private static FeathersError RoutingError(HttpContext context)
    {
        if (context.Response.StatusCode == 404)
        {
            return FeathersError.Of(404, "Page not found", data: new Dictionary<string, string> { ["url"] = context.Request.Path + context.Request.QueryString });
        }

        var hasId = context.Request.Path.Value!.Trim('/').Contains('/');
        var method = context.Request.Method;
        return FeathersError.Of(405, (method, hasId) switch
        {
            ("PATCH", false) => "Can not patch multiple entries",
            ("DELETE", false) => "Can not remove multiple entries",
            ("PUT", _) => "Method `update` is not supported by this endpoint.",
            ("POST", _) => "Method `create` is not supported by this endpoint.",
            ("PATCH", true) => "Method `patch` is not supported by this endpoint.",
            ("DELETE", true) => "Method `remove` is not supported by this endpoint.",
            _ => $"Method {method} not allowed",
        });
    }

    private static bool IsUnavailable(Exception ex) => ex switch
    {
        TimeoutException or NpgsqlException or OrleansException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsUnavailable),
        _ => ex.InnerException is { } inner && IsUnavailable(inner),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);
}
