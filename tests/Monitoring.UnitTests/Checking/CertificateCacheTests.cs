using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class CertificateCacheTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Keeps_the_latest_time_per_host_and_port_with_hosts_case_insensitive()
    {
        var cache = new CertificateCache();

        cache.Record("Example.COM", 443, Expiry);
        cache.Record("example.com", 8443, Expiry.AddDays(1));
        cache.Record("example.com", 443, Expiry.AddDays(2));

        Assert.Equal(Expiry.AddDays(2), cache.Find("EXAMPLE.com", 443));
        Assert.Equal(Expiry.AddDays(1), cache.Find("example.com", 8443));
        Assert.Null(cache.Find("example.com", 444));
        Assert.Null(cache.Find("example.org", 443));
    }

    [Fact]
    public void Stays_within_its_capacity_dropping_what_was_recorded_longest_ago()
    {
        var cache = new CertificateCache(capacity: 100);

        for (var i = 0; i < 1000; i++)
        {
            cache.Record($"host-{i}", 443, Expiry.AddMinutes(i));
        }

        Assert.InRange(cache.Count, 90, 100);
        Assert.Null(cache.Find("host-0", 443));
        Assert.Equal(Expiry.AddMinutes(999), cache.Find("host-999", 443));
    }

    [Fact]
    public async Task Records_and_finds_from_many_threads()
    {
        var cache = new CertificateCache(capacity: 64);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                cache.Record($"host-{(t * 2000 + i) % 500}", 443, Expiry);
                _ = cache.Find($"host-{i % 500}", 443);
            }
        })));

        Assert.InRange(cache.Count, 1, 64 + 8);
    }
}
