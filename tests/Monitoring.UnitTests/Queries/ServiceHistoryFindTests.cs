using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

/// <summary>Which finds of /service-status a service's grain answers: one service's first page, in checked_at order.</summary>
public sealed class ServiceHistoryFindTests
{
    private static readonly Comparison ServiceSeven = new("service_id", ComparisonOperator.Equal, [7L]);

    public static TheoryData<string, FindQuery, long?, bool> Cases => new()
    {
        // name, query, service answered (null: SQL answers), newest first
        { "service alone, default order", new FindQuery(50, 0, [], new AllOf([ServiceSeven])), 7, false },
        { "bare comparison", new FindQuery(50, 0, [], ServiceSeven), 7, false },
        { "newest first", new FindQuery(10, 0, [new SortKey("checked_at", true)], new AllOf([ServiceSeven])), 7, true },
        { "oldest first, explicitly", new FindQuery(100, 0, [new SortKey("checked_at", false)], new AllOf([ServiceSeven])), 7, false },
        { "count only", new FindQuery(0, 0, [], new AllOf([ServiceSeven])), 7, false },
        { "a later page", new FindQuery(50, 50, [], new AllOf([ServiceSeven])), null, false },
        { "another filter too", new FindQuery(50, 0, [], new AllOf([ServiceSeven, new Comparison("status", ComparisonOperator.Equal, ["down"])])), null, false },
        { "sorted by status", new FindQuery(50, 0, [new SortKey("status", false)], new AllOf([ServiceSeven])), null, false },
        { "two sort keys", new FindQuery(50, 0, [new SortKey("checked_at", true), new SortKey("id", true)], new AllOf([ServiceSeven])), null, false },
        { "several services", new FindQuery(50, 0, [], new AllOf([new Comparison("service_id", ComparisonOperator.In, [7L, 8L])])), null, false },
        { "not equal", new FindQuery(50, 0, [], new AllOf([new Comparison("service_id", ComparisonOperator.NotEqual, [7L])])), null, false },
        { "a client's", new FindQuery(50, 0, [], new AllOf([new Comparison("client_id", ComparisonOperator.Equal, [7L])])), null, false },
        { "no filter", new FindQuery(50, 0, [], null), null, false },
        { "either of", new FindQuery(50, 0, [], new AnyOf([ServiceSeven])), null, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_one_services_first_page_only(string name, FindQuery query, long? service, bool newestFirst)
    {
        var matched = ServiceHistoryFind.TryMatch(query, out var serviceId, out var descending);

        Assert.True(matched == service.HasValue, name);
        if (matched)
        {
            Assert.Equal(service, serviceId);
            Assert.Equal(newestFirst, descending);
        }
    }
}
