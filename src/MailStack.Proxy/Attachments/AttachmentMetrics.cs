using System.Diagnostics.Metrics;

namespace MailStack.Proxy.Attachments;

/// <summary>Attachment counters: fetches by mode and outcome, cache hits and misses, uploads to the object store.</summary>
public sealed class AttachmentMetrics
{
    public const string MeterName = "MailStack.Proxy.Attachments";

    private readonly Counter<long> _fetches;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _uploads;
    private long _fetchCount;
    private long _hitCount;
    private long _missCount;

    public AttachmentMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _fetches = meter.CreateCounter<long>("mailstack.proxy.attachment.fetches", description: "Attachment fetches made (cache hits make none)");
        _cacheHits = meter.CreateCounter<long>("mailstack.proxy.attachment.cache.hits", description: "Attachments served from the MD5 cache");
        _cacheMisses = meter.CreateCounter<long>("mailstack.proxy.attachment.cache.misses", description: "Attachments with an MD5 key not in the cache");
        _uploads = meter.CreateCounter<long>("mailstack.proxy.attachment.uploads", description: "Large attachments uploaded to the object store");
    }

    public long Fetches => Interlocked.Read(ref _fetchCount);

    public long CacheHits => Interlocked.Read(ref _hitCount);

    public long CacheMisses => Interlocked.Read(ref _missCount);

    public void Fetched(string mode, string outcome)
    {
        Interlocked.Increment(ref _fetchCount);
        _fetches.Add(1, new KeyValuePair<string, object?>("mode", mode), new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void CacheHit(string tier)
    {
        Interlocked.Increment(ref _hitCount);
        _cacheHits.Add(1, new KeyValuePair<string, object?>("tier", tier));
    }

    public void CacheMiss()
    {
        Interlocked.Increment(ref _missCount);
        _cacheMisses.Add(1);
    }

    public void Uploaded(string outcome) => _uploads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
