namespace Monitoring.Grains.Interfaces.Queries;

/// <summary>
/// The finds of /service-status a service's grain answers from memory: the first page of one service's history,
/// oldest first (the default order) or newest first (<c>$sort[checked_at]=-1</c>): <c>service_id</c> as the only
/// filter, no <c>$skip</c>. Every other find is SQL's.
/// </summary>
public static class ServiceHistoryFind
{
    /// <summary>Whether <paramref name="query"/> is such a find; the service it reads and its order when it is.</summary>
    public static bool TryMatch(FindQuery query, out long serviceId, out bool newestFirst)
    {
        serviceId = 0;
        newestFirst = false;
        if (query.Skip != 0 || query.Limit > FindQuery.MaxLimit)
        {
            return false;
        }

        switch (query.Sort)
        {
            case []:
                break;
            case [{ Field: "checked_at" } only]:
                newestFirst = only.Descending;
                break;
            default:
                return false;
        }

        var filter = query.Filter is AllOf { Nodes: [var single] } ? single : query.Filter;
        if (filter is Comparison { Field: "service_id", Operator: ComparisonOperator.Equal, Values: [long id] })
        {
            serviceId = id;
            return true;
        }

        return false;
    }
}
