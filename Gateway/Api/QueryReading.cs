using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Queries;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>Parses a request's Feathers query for a resource, turning syntax errors into 400s.</summary>
public static class QueryReading
{
    public static bool TryRead(HttpRequest request, Resource resource, out FindQuery query, out IResult? error, IReadOnlyCollection<string>? only = null)
    {
        try
        {
            var parameters = only is null ? request.Query : request.Query.Where(p => only.Contains(p.Key));
            query = FeathersQueryParser.Parse(QueryTree.Parse(parameters), resource);
            error = null;
            return true;
        }
        catch (QuerySyntaxException ex)
        {
            query = null!;
            error = ErrorResults.BadRequest(ex.Message, ex.Field is null ? null : new Dictionary<string, string> { [ex.Field] = ex.Message });
            return false;
        }
    }

    /// <summary>Only <c>$select</c> matters on a get; other parameters are ignored.</summary>
    public static bool TryReadSelect(HttpRequest request, Resource resource, out IReadOnlyList<string>? select, out IResult? error)
    {
        select = null;
        if (!request.Query.Keys.Any(k => k.StartsWith("$select", StringComparison.Ordinal)))
        {
            error = null;
            return true;
        }

        var selectOnly = request.Query.Where(p => p.Key.StartsWith("$select", StringComparison.Ordinal));
        try
        {
            select = FeathersQueryParser.Parse(QueryTree.Parse(selectOnly), resource).Select;
            error = null;
            return true;
        }
        catch (QuerySyntaxException ex)
        {
            error = ErrorResults.BadRequest(ex.Message);
            return false;
        }
    }
}
