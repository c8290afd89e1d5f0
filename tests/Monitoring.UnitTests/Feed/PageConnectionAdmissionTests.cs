using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Gateway.Badges;
using Monitoring.Gateway.Feed;
using Monitoring.Gateway.StatusPages;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.UnitTests.Feed;

/// <summary>
/// A status page's connection is admitted against the page as read when it connected; a change of that page that
/// arrives between the read and the connection being listed must still close it (the page may have gone private).
/// </summary>
public sealed class PageConnectionAdmissionTests
{
    private const long PageId = 7;

    public static TheoryData<string, long?, bool> Cases => new()
    {
        // what happened between reading the page and listing the connection, which page changed, stays?
        { "nothing", null, true },
        { "this page changed", PageId, false },
        { "another page changed", PageId + 1, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_connection_admitted_against_a_page_that_changed_meanwhile_is_closed(string meanwhile, long? changedPage, bool stays)
    {
        // Arrange
        var connections = NewConnections();
        var mark = connections.PageChangeMark;
        if (changedPage is { } id)
        {
            await connections.ReceiveAsync(new FeedBatch([new FeedEvent(FeedEventKind.PagePatched, Page: Page(id))]));
        }

        var context = new Caller("c1");

        // Act
        var kept = connections.AddPageConnection(new FeedConnection(context, 1, 16, PageId, new HashSet<long> { 1 }), mark);

        // Assert
        Assert.True(stays == kept, meanwhile);
        Assert.Equal(stays, connections.Find("c1") is not null);
        Assert.Equal(!stays, context.Aborted);
    }

    [Fact]
    public async Task A_connection_admitted_after_the_change_was_seen_stays()
    {
        // Arrange: the change came before the page was read, so the page read is the changed one.
        var connections = NewConnections();
        await connections.ReceiveAsync(new FeedBatch([new FeedEvent(FeedEventKind.PagePatched, Page: Page(PageId))]));
        var mark = connections.PageChangeMark;

        // Act
        var kept = connections.AddPageConnection(new FeedConnection(new Caller("c1"), 1, 16, PageId, new HashSet<long> { 1 }), mark);

        // Assert
        Assert.True(kept);
    }

    private static FeedConnections NewConnections()
    {
        var time = new FakeTimeProvider();
        return new FeedConnections(
            new Hub(), NullLogger<FeedConnections>.Instance, pingUrls: null!,
            new StatusPageCache(grains: null!, time, Options.Create(new StatusPageOptions())),
            new HiddenServices(time));
    }

    private static StatusPageRecord Page(long id) => new()
    {
        Id = id, ClientId = 1, Slug = $"page-{id}", Title = "Status", Public = false,
        CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>A hub that is never sent to: no connection here gets an event.</summary>
    private sealed class Hub : IHubContext<FeedHub>, IHubClients, IClientProxy
    {
        public IHubClients Clients => this;

        public IGroupManager Groups => throw new NotSupportedException();

        public IClientProxy All => this;

        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => this;

        public IClientProxy Client(string connectionId) => this;

        IClientProxy IHubClients<IClientProxy>.Clients(IReadOnlyList<string> connectionIds) => this;

        public IClientProxy Group(string groupName) => this;

        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => this;

        IClientProxy IHubClients<IClientProxy>.Groups(IReadOnlyList<string> groupNames) => this;

        public IClientProxy User(string userId) => this;

        public IClientProxy Users(IReadOnlyList<string> userIds) => this;

        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("no event was expected to be sent");
    }

    private sealed class Caller(string id) : HubCallerContext
    {
        public bool Aborted { get; private set; }

        public override string ConnectionId => id;

        public override string? UserIdentifier => null;

        public override ClaimsPrincipal? User => new();

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort() => Aborted = true;
    }
}
