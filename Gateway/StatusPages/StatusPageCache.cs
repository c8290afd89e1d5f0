using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.StatusPages;

/// <summary>
/// What every visitor of a status page sees, gathered at most once per <see cref="StatusPageOptions.CacheSeconds"/>
/// per page and gateway (one call gathering its services' summaries and one incidents query), whatever the number of
/// visitors; concurrent misses share one gathering, and a gathering under way is shared however long it takes. A
/// new result, incident or change of one of its services shortens the entry's life to
/// <see cref="StatusPageOptions.FreshSeconds"/> after it was gathered (also when the change came while it was being
/// gathered), so a page reloaded after the event shows it while a busy page is still gathered at most that often.
/// Unknown slugs are cached too; a string that cannot be a slug never reaches the cache.
/// </summary>
public sealed class StatusPageCache(IGrainFactory grains, TimeProvider time, IOptions<StatusPageOptions> options)
{
    /// <summary>How long a service's latest change is remembered for gatherings that were under way then.</summary>
    private static readonly TimeSpan ChangeMemory = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    // The slugs of the pages each service has been shown on (entries check again: a page may have dropped it since).
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> byService = new();

    // When each service last changed (timestamp ticks), kept only while a gathering is under way: for gatherings that
    // read it before the change reached here. Every result passes through Observe, so this costs nothing otherwise.
    private readonly ConcurrentDictionary<long, long> changedAt = new();

    private long misses;
    private long observed;
    private int gatheringsUnderWay;

    /// <summary>The page's view and body; null when no page has that slug (or <paramref name="slug"/> cannot be one).</summary>
    public Task<CachedPage?> GetAsync(string slug)
    {
        if (!StatusPageRecord.IsSlug(slug))
        {
            return Task.FromResult<CachedPage?>(null);
        }

        var now = time.GetTimestamp();
        if (entries.TryGetValue(slug, out var entry) && Serves(entry, now))
        {
            return entry.Page;
        }

        if (Interlocked.Increment(ref misses) % 64 == 0 && entries.Count >= options.Value.MaxPages)
        {
            Sweep(now);
        }

        // Concurrent misses share whichever entry was stored first; only a stored entry gathers.
        var fresh = new Entry(now, now + Ticks(options.Value.CacheSeconds));
        var stored = entries.AddOrUpdate(slug, fresh, (_, current) => Serves(current, now) ? current : fresh);
        if (ReferenceEquals(stored, fresh))
        {
            fresh.Start(GatherAsync(slug, fresh));
        }

        return stored.Page;
    }

    /// <summary>
    /// Shortens the life of the cached pages an event changes. Results and incidents (every check's event) find their
    /// pages through an index by service; the rare window and page events look at every cached page.
    /// </summary>
    public void Observe(FeedEvent feedEvent)
    {
        var now = time.GetTimestamp();
        switch (feedEvent.Kind)
        {
            case FeedEventKind.StatusCreated or FeedEventKind.IncidentCreated or FeedEventKind.IncidentPatched
                or FeedEventKind.ServicePatched or FeedEventKind.ServiceRemoved:
                if (feedEvent.ServiceId is not { } serviceId)
                {
                    break;
                }

                if (Volatile.Read(ref gatheringsUnderWay) > 0)
                {
                    changedAt[serviceId] = now;
                    if (Interlocked.Increment(ref observed) % 4096 == 0)
                    {
                        ForgetOldChanges(now);
                    }
                }

                if (byService.TryGetValue(serviceId, out var slugs))
                {
                    foreach (var slug in slugs.Keys)
                    {
                        if (entries.TryGetValue(slug, out var entry))
                        {
                            Shorten(entry, page => page.Services.Contains(serviceId));
                        }
                    }
                }

                break;
            case FeedEventKind.WindowCreated or FeedEventKind.WindowPatched or FeedEventKind.WindowRemoved:
                foreach (var entry in entries.Values)
                {
                    Shorten(entry, page => page.ClientId == feedEvent.ClientId);
                }

                break;
            case FeedEventKind.PageCreated or FeedEventKind.PagePatched or FeedEventKind.PageRemoved:
                // A new slug may have been cached as unknown; an old one may still show the page.
                foreach (var entry in entries.Values)
                {
                    Shorten(entry, page => page.PageId == feedEvent.Page!.Id, expireNow: true);
                }

                entries.TryRemove(feedEvent.Page!.Slug, out _);
                break;
        }
    }

    /// <summary>An entry serves visitors until it expires, and while its gathering is under way whatever its age.</summary>
    private static bool Serves(Entry entry, long now) => !entry.Page.IsCompleted || now < Volatile.Read(ref entry.ExpiresAt);

    private void Shorten(Entry entry, Func<CachedPage, bool> affected, bool expireNow = false)
    {
        // A gathering still under way may have read its services before the change: it lives only the short time too.
        if (!entry.Page.IsCompleted || (entry.Page.IsCompletedSuccessfully && entry.Page.Result is { } page && affected(page)))
        {
            ShortenTo(entry, expireNow ? 0 : entry.GatheredAt + Ticks(options.Value.FreshSeconds));
        }
    }

    /// <summary>Lowers the entry's expiry to <paramref name="until"/>, never raising it (concurrent events keep the earliest).</summary>
    private static void ShortenTo(Entry entry, long until)
    {
        var current = Volatile.Read(ref entry.ExpiresAt);
        while (until < current)
        {
            var seen = Interlocked.CompareExchange(ref entry.ExpiresAt, until, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private async Task<CachedPage?> GatherAsync(string slug, Entry entry)
    {
        Interlocked.Increment(ref gatheringsUnderWay);
        try
        {
            if (await grains.GetGrain<IStatusPagesGrain>(0).ViewAsync(slug) is not { } view)
            {
                return null;
            }

            foreach (var service in view.Services)
            {
                Index(service.Id, slug);

                // A change that reached this gateway after the gathering started may be missing from what it read.
                if (changedAt.TryGetValue(service.Id, out var changed) && changed >= entry.GatheredAt)
                {
                    ShortenTo(entry, entry.GatheredAt + Ticks(options.Value.FreshSeconds));
                }
            }

            return new CachedPage(view, StatusPageBody.From(view));
        }
        catch
        {
            // A failed gathering is not kept: the next visitor tries again.
            entries.TryRemove(new KeyValuePair<string, Entry>(slug, entry));
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref gatheringsUnderWay);
        }
    }

    private void Index(long serviceId, string slug)
    {
        while (true)
        {
            var slugs = byService.GetOrAdd(serviceId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
            slugs.TryAdd(slug, 0);

            // A sweep may have dropped that set meanwhile: add again to the one now in place.
            if (byService.TryGetValue(serviceId, out var current) && ReferenceEquals(current, slugs))
            {
                return;
            }
        }
    }

    /// <summary>Drops expired entries; when that is not enough, any entries down to nine tenths of the cap.</summary>
    private void Sweep(long now)
    {
        foreach (var (slug, entry) in entries)
        {
            if (!Serves(entry, now))
            {
                entries.TryRemove(new KeyValuePair<string, Entry>(slug, entry));
            }
        }

        var excess = entries.Count - options.Value.MaxPages * 9 / 10;
        foreach (var slug in entries.Keys)
        {
            if (excess-- <= 0)
            {
                break;
            }

            entries.TryRemove(slug, out _);
        }

        foreach (var (service, slugs) in byService)
        {
            foreach (var slug in slugs.Keys)
            {
                if (!entries.ContainsKey(slug))
                {
                    slugs.TryRemove(slug, out _);
                }
            }

            if (slugs.IsEmpty)
            {
                byService.TryRemove(new KeyValuePair<long, ConcurrentDictionary<string, byte>>(service, slugs));
            }
        }

        ForgetOldChanges(now);
    }

    private void ForgetOldChanges(long now)
    {
        var before = now - Ticks(ChangeMemory.TotalSeconds);
        foreach (var (service, changed) in changedAt)
        {
            if (changed < before)
            {
                changedAt.TryRemove(new KeyValuePair<long, long>(service, changed));
            }
        }
    }

    private long Ticks(double seconds) => (long)(seconds * time.TimestampFrequency);

    private sealed class Entry(long gatheredAt, long expiresAt)
    {
        private readonly TaskCompletionSource<CachedPage?> page = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long ExpiresAt = expiresAt;

        public Task<CachedPage?> Page => page.Task;

        public long GatheredAt { get; } = gatheredAt;

        public void Start(Task<CachedPage?> gathering) => _ = gathering.ContinueWith(
            done =>
            {
                if (done.IsCompletedSuccessfully)
                {
                    page.TrySetResult(done.Result);
                }
                else
                {
                    page.TrySetException(done.Exception?.InnerExceptions ?? [new TaskCanceledException()]);
                }
            },
            TaskScheduler.Default);
    }
}

/// <summary>
/// A gathered page: the view behind it, the body every visitor gets, and that body as HTML and as JSON, each made once
/// per gathering (by the first visitor who asks; the others await that one) with its gzip form beside it.
/// </summary>
public sealed class CachedPage(StatusPageView view, StatusPageBody body)
{
    private Task<PageBytes>? html;
    private Task<PageBytes>? json;

    public StatusPageView View { get; } = view;

    public StatusPageBody Body { get; } = body;

    public long PageId => View.Page.Id;

    public long ClientId => View.Page.ClientId;

    public bool Public => View.Page.Public;

    public IReadOnlySet<long> Services { get; } = view.Services.Select(s => s.Id).ToHashSet();

    /// <summary>The HTML, rendered once per gathering by <paramref name="render"/>.</summary>
    public Task<PageBytes> HtmlAsync(Func<StatusPageBody, Task<byte[]>> render) =>
        Once(ref html, async () => PageBytes.Of(await render(Body)));

    /// <summary>The JSON, serialized once per gathering by <paramref name="serialize"/>.</summary>
    public Task<PageBytes> JsonAsync(Func<StatusPageBody, byte[]> serialize) =>
        Once(ref json, () => Task.Run(() => PageBytes.Of(serialize(Body))));

    private static Task<PageBytes> Once(ref Task<PageBytes>? slot, Func<Task<PageBytes>> make)
    {
        if (Volatile.Read(ref slot) is { } made)
        {
            return made;
        }

        var mine = new TaskCompletionSource<PageBytes>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref slot, mine.Task, null) is { } other)
        {
            return other;
        }

        _ = CompleteAsync(mine, make);
        return mine.Task;
    }

    private static async Task CompleteAsync(TaskCompletionSource<PageBytes> target, Func<Task<PageBytes>> make)
    {
        try
        {
            target.TrySetResult(await make());
        }
        catch (Exception ex)
        {
            target.TrySetException(ex);
        }
    }
}

/// <summary>A body as sent, and gzip-compressed (the repeated day bars compress well: 42.5 KB of HTML to 2.4 KB for a 3-service page).</summary>
public sealed record PageBytes(byte[] Plain, byte[] Gzip)
{
    public static PageBytes Of(byte[] plain)
    {
        using var compressed = new MemoryStream(plain.Length / 8 + 64);
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return new PageBytes(plain, compressed.ToArray());
    }
}
