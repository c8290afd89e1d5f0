using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Fleet;

namespace Monitoring.UnitTests.Fleet;

public sealed class MembershipConfirmationTests
{
    private static readonly SiloAddress Self = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    [Theory]
    [InlineData(SiloStatus.Active, true)]
    [InlineData(SiloStatus.Dead, false)]
    [InlineData(SiloStatus.ShuttingDown, false)]
    [InlineData(SiloStatus.Stopping, false)]
    public async Task Answers_from_this_silos_status_after_a_fresh_read(SiloStatus status, bool active)
    {
        var membership = new FakeMembership { Status = status };
        var confirmation = Create(membership, new FakeTimeProvider());

        Assert.Equal(active, await confirmation.StillActiveAsync(DateTimeOffset.MinValue));
        Assert.Equal(1, membership.Reads);
    }

    [Fact]
    public async Task A_table_that_cannot_be_read_lets_the_check_run()
    {
        var membership = new FakeMembership { Fails = true };

        Assert.True(await Create(membership, new FakeTimeProvider()).StillActiveAsync(DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task Late_timers_of_one_moment_share_one_read_and_a_later_moment_reads_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var membership = new FakeMembership { Hold = new TaskCompletionSource() };
        var confirmation = Create(membership, time);
        var resumedAt = time.GetUtcNow();

        // Act: a thousand timers that were due before the read started ask at once.
        var answers = Enumerable.Range(0, 1000).Select(i => confirmation.StillActiveAsync(resumedAt.AddMilliseconds(-i))).ToList();
        membership.Hold.SetResult();

        Assert.All(await Task.WhenAll(answers), Assert.True);
        Assert.Equal(1, membership.Reads);

        // A timer whose lateness started after that read began needs a read of its own.
        time.Advance(TimeSpan.FromSeconds(5));
        membership.Status = SiloStatus.Dead;
        Assert.False(await confirmation.StillActiveAsync(time.GetUtcNow().AddSeconds(-1)));
        Assert.Equal(2, membership.Reads);
    }

    private static MembershipConfirmation Create(FakeMembership membership, TimeProvider time) =>
        new(membership, new FakeSilo(), time, NullLogger<MembershipConfirmation>.Instance);

    private sealed class FakeMembership : IClusterMembershipService
    {
        public SiloStatus Status { get; set; } = SiloStatus.Active;

        public bool Fails { get; init; }

        public TaskCompletionSource? Hold { get; init; }

        public int Reads { get; private set; }

        public ClusterMembershipSnapshot CurrentSnapshot => new(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(Self, new ClusterMember(Self, Status, "self")),
            new MembershipVersion(Reads));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public async ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default)
        {
            Reads++;
            if (Hold is not null)
            {
                await Hold.Task;
            }

            if (Fails)
            {
                throw new TimeoutException("the membership table did not answer");
            }
        }

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
    }

    private sealed class FakeSilo : ILocalSiloDetails
    {
        public string Name => "self";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => Self;

        public SiloAddress GatewayAddress => Self;
    }
}
