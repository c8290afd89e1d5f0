using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The latest server certificate expiry seen per host and port, for the HTTP checks: a pooled connection does its
/// TLS handshake once, so the checks' handlers record the certificate when a connection is made
/// (<see cref="CaptureAsync"/>, their PlaintextStreamFilter, which unlike the validation callback knows the port)
/// and the checker reads it after each https answer. Thread-safe; holds at most <see cref="Capacity"/> entries,
/// dropping those recorded longest ago (an entry whose pooled connection outlives it reads as no certificate
/// until the next connection).
/// </summary>
public sealed class CertificateCache
{
    /// <summary>Entries kept by default: distinct https host and port pairs checked by one silo.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long sequence;
    private int trimming;

    public CertificateCache()
        : this(DefaultCapacity)
    {
    }

    public CertificateCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most entries kept; over it, the oldest tenth is dropped.</summary>
    public int Capacity { get; }

    public int Count => entries.Count;

    /// <summary>Records the notAfter (UTC) of the certificate <paramref name="host"/> (case-insensitive) presented on <paramref name="port"/>.</summary>
    public void Record(string host, int port, DateTimeOffset notAfter)
    {
        entries[Key(host, port)] = new Entry(notAfter.ToUniversalTime(), Interlocked.Increment(ref sequence));
        if (entries.Count > Capacity)
        {
            Trim();
        }
    }

    /// <summary>The notAfter (UTC) of the certificate last seen for <paramref name="host"/> on <paramref name="port"/>, or null.</summary>
    public DateTimeOffset? Find(string host, int port) =>
        entries.TryGetValue(Key(host, port), out var entry) ? entry.NotAfter : null;

    /// <summary>The notAfter of <paramref name="certificate"/>, in UTC.</summary>
    public static DateTimeOffset NotAfterOf(X509Certificate certificate)
    {
        using var copy = certificate is X509Certificate2 ? null : new X509Certificate2(certificate);
        var full = certificate as X509Certificate2 ?? copy!;
        return new DateTimeOffset(full.NotAfter.ToUniversalTime());
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.PlaintextStreamFilter"/> of the checks' handlers: records the certificate of a
    /// new TLS connection under its request's host and port, and returns the stream unchanged.
    /// </summary>
    public ValueTask<Stream> CaptureAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
    {
        if (context.PlaintextStream is SslStream { RemoteCertificate: { } certificate } && context.InitialRequestMessage.RequestUri is { } uri)
        {
            Record(uri.IdnHost, uri.Port, NotAfterOf(certificate));
        }

        return ValueTask.FromResult(context.PlaintextStream);
    }

    private static string Key(string host, int port) => $"{host.ToLowerInvariant()}:{port}";

    private void Trim()
    {
        // One trim at a time; records that race it at worst leave a few entries over capacity until the next.
        if (Interlocked.Exchange(ref trimming, 1) == 1)
        {
            return;
        }

        try
        {
            // ToArray is the dictionary's own snapshot; LINQ straight over it races with concurrent records.
            var snapshot = entries.ToArray();
            var excess = snapshot.Length - (Capacity - Capacity / 10);
            if (excess > 0)
            {
                Array.Sort(snapshot, static (a, b) => a.Value.Sequence.CompareTo(b.Value.Sequence));
                foreach (var stale in snapshot.AsSpan(0, excess))
                {
                    // Removes the entry only if no newer record replaced it meanwhile.
                    entries.TryRemove(stale);
                }
            }
        }
        finally
        {
            Volatile.Write(ref trimming, 0);
        }
    }

    private readonly record struct Entry(DateTimeOffset NotAfter, long Sequence);
}
