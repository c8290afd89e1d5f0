using Monitoring.Grains.Fleet;

namespace Monitoring.UnitTests.Fleet;

public sealed class WakeShareTests
{
    private static readonly long[] Ids = Enumerable.Range(1, 1000).Select(i => (long)i).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void The_active_silos_split_every_service_between_them_once(int silos)
    {
        var names = Enumerable.Range(0, silos).Select(i => $"127.0.0.1:{11111 + i}@{i}").ToArray();

        var shares = names.Select(self => WakeShare.Of(Ids, names.Reverse(), self)).ToList();

        Assert.Equal(Ids, shares.SelectMany(s => s).Order());
        Assert.All(shares, share => Assert.InRange(share.Count, Ids.Length / silos - 1, Ids.Length / silos + 1));
    }

    [Fact]
    public void A_silo_that_is_not_active_wakes_nothing() =>
        Assert.Empty(WakeShare.Of(Ids, ["a", "b"], "c"));

    [Fact]
    public void Every_silo_computes_the_same_split_whatever_order_it_lists_the_silos_in() =>
        Assert.Equal(WakeShare.Of(Ids, ["b", "a", "c"], "a"), WakeShare.Of(Ids, ["c", "b", "a"], "a"));

    [Theory]
    // Nothing active here: the whole share.
    [InlineData(new long[0], new long[] { 2, 4, 6, 8 })]
    // The share less what is active here; an id active here but of the other silo's share changes nothing.
    [InlineData(new long[] { 4, 8, 3 }, new long[] { 2, 6 })]
    // All of the share active: nothing to wake.
    [InlineData(new long[] { 2, 4, 6, 8 }, new long[0])]
    public void A_sweep_wakes_the_share_less_the_services_active_here(long[] activeHere, long[] expected)
    {
        long[] ids = [1, 2, 3, 4, 5, 6, 7, 8];
        var silos = new[] { "a", "b" };

        var woken = WakeShare.NotActiveHere(ids, silos, "a", activeHere.Contains);

        // With two silos, "a" (first in order) takes the even ids.
        Assert.Equal(expected, woken);
    }
}
