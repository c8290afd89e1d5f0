using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.StatusPages;

/// <summary>
/// What every visitor of a status page sees, gathered at most once per <see cref="StatusPageOptions.CacheSeconds"/>
/// per page and gateway (one call gathering its services' summaries and one incidents query), whatever the number of
/// visitors; concurrent misses share one gathering. A new result, incident or change of one of its services
/// shortens the entry's life to <see cref="StatusPageOptions.FreshSeconds"/> after it was gathered, so a page reloaded
/// after the event shows it while a busy page is still gathered at most that often. Unknown slugs are cached too.
/// </summary>
public sealed class StatusPageCache(IGrainFactory grains, TimeProvider time, IOptions<StatusPageOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    // The slugs of the pages each service has been shown on (entries check again: a page may have dropped it since).
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> byService = new();

    /// <summary>The page's view and body; null when no page has that slug.</summary>
    public Task<CachedPage?> GetAsync(string slug)
    {
        var now = time.GetTimestamp();
        if (entries.TryGetValue(slug, out var entry) && now < Volatile.Read(ref entry.ExpiresAt))
        {
            return entry.Page;
        }

        if (entries.Count >= options.Value.MaxPages)
        {
            Sweep(now);
        }

        // Concurrent misses share whichever entry was stored first; only a stored entry gathers.
        var fresh = new Entry(now, now + Ticks(options.Value.CacheSeconds));
        var stored = entries.AddOrUpdate(slug, fresh, (_, current) => now < Volatile.Read(ref current.ExpiresAt) ? current : fresh);
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
        switch (feedEvent.Kind)
        {
            case FeedEventKind.StatusCreated or FeedEventKind.IncidentCreated or FeedEventKind.IncidentPatched
                or FeedEventKind.ServicePatched or FeedEventKind.ServiceRemoved:
                if (feedEvent.ServiceId is { } serviceId && byService.TryGetValue(serviceId, out var slugs))
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

    private void Shorten(Entry entry, Func<CachedPage, bool> affected, bool expireNow = false)
    {
        // A gathering still under way may have read its services before the change: it lives only the short time too.
        if (!entry.Page.IsCompleted || (entry.Page.IsCompletedSuccessfully && entry.Page.Result is { } page && affected(page)))
        {
            var until = expireNow ? 0 : entry.GatheredAt + Ticks(options.Value.FreshSeconds);
            if (until < Volatile.Read(ref entry.ExpiresAt))
            {
                Volatile.Write(ref entry.ExpiresAt, until);
            }
        }
    }

    private async Task<CachedPage?> GatherAsync(string slug, Entry entry)
    {
        try
        {
            if (await grains.GetGrain<IStatusPagesGrain>(0).ViewAsync(slug) is not { } view)
            {
                return null;
            }

            foreach (var service in view.Services)
            {
                byService.GetOrAdd(service.Id, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(slug, 0);
            }

            return new CachedPage(view, StatusPageBody.From(view));
        }
        catch
        {
            // A failed gathering is not kept: the next visitor tries again.
            entries.TryRemove(new KeyValuePair<string, Entry>(slug, entry));
            throw;
        }
    }

    private void Sweep(long now)
    {
        foreach (var (slug, entry) in entries)
        {
            if (now >= Volatile.Read(ref entry.ExpiresAt))
            {
                entries.TryRemove(slug, out _);
            }
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

/// <summary>A gathered page: the view behind it and the body every visitor gets.</summary>
public sealed class CachedPage(StatusPageView view, StatusPageBody body)
{
    public StatusPageView View { get; } = view;

    public StatusPageBody Body { get; } = body;

    public long PageId => View.Page.Id;

    public long ClientId => View.Page.ClientId;

    public bool Public => View.Page.Public;

    public IReadOnlySet<long> Services { get; } = view.Services.Select(s => s.Id).ToHashSet();

    /// <summary>The rendered HTML, made once per gathering (by the first visitor who asks).</summary>
    public byte[]? Html { get; set; }
}
