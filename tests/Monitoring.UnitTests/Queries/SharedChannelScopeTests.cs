using Monitoring.Grains.Interfaces.Queries;
using Monitoring.Grains.Queries;

namespace Monitoring.UnitTests.Queries;

/// <summary>
/// A client-scoped find of alert-channels sees shared channels (client_id null) only while it filters and sorts on
/// what it may read of them (id, name, type, client_id): searching by anything else leaves them out, so a scoped
/// key cannot learn a shared channel's URL or state by narrowing a filter.
/// </summary>
public sealed class SharedChannelScopeTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("name=ops", true)]
    [InlineData("type=webhook&$sort[name]=1", true)]
    [InlineData("id[$in]=1&id[$in]=2", true)]
    [InlineData("$or[0][name]=a&$or[1][type]=slack", true)]
    [InlineData("url[$like]=%25secret%25", false)]
    [InlineData("enabled=false", false)]
    [InlineData("$sort[last_delivery_at]=-1", false)]
    [InlineData("$or[0][name]=a&$or[1][last_error]=x", false)]
    [InlineData("has_secret=true", false)]
    public void Shared_rows_are_in_a_scoped_find_only_when_it_uses_shared_fields(string query, bool sharedVisible)
    {
        var sql = FindSql.Build(ResourceSql.AlertChannels, Query.Parse(query, Resource.AlertChannels), scopeClientId: 7);

        Assert.Equal(sharedVisible, sql.Where.Contains("c.client_id IS NULL", StringComparison.Ordinal));
        Assert.Contains("c.client_id = $", sql.Where);
    }

    [Fact]
    public void A_find_without_scope_sees_every_channel_and_other_resources_never_add_shared_rows()
    {
        Assert.DoesNotContain("client_id", FindSql.Build(ResourceSql.AlertChannels, Query.Parse("url[$like]=x", Resource.AlertChannels), null).Where);
        Assert.DoesNotContain("IS NULL", FindSql.Build(ResourceSql.Incidents, Query.Parse("", Resource.Incidents), 7).Where);
    }
}
