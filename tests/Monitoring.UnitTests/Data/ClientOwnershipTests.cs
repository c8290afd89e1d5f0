using Monitoring.Grains.Data;

namespace Monitoring.UnitTests.Data;

/// <summary>Which client a maintenance window or status page is created for.</summary>
public sealed class ClientOwnershipTests
{
    [Theory]
    [InlineData(true, 7L, null, 7L, null)]
    [InlineData(false, null, 3L, 3L, null)]
    [InlineData(true, null, 3L, 3L, null)]
    [InlineData(true, 3L, 3L, 3L, null)]
    [InlineData(true, 7L, 3L, 7L, "client 7 does not exist")]
    [InlineData(false, null, null, 0L, "is required")]
    [InlineData(true, null, null, 0L, "is required")]
    public void The_client_is_the_named_one_or_the_callers_scope_and_a_scoped_caller_names_only_its_own(
        bool set, long? named, long? scope, long expected, string? error)
    {
        var failure = ClientOwnership.ClientForCreate(set ? new Optional<long?>(true, named) : default, scope, out var clientId);

        Assert.Equal(error, failure?.Errors?["client_id"]);
        if (error is null)
        {
            Assert.Equal(expected, clientId);
        }
    }
}
