using System.Collections.Concurrent;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// The tenants of the API keys looked up in the last second, by key hash. Without it every request
/// spent a round trip to PostgreSQL on its token: a client enqueueing in batches of 100 kept up more
/// with it in six alternated pairs of runs out of six (bench/README.md). <see cref="TenantStore"/> drops every entry when it changes or
/// removes a key or deletes a tenant, so within a process a rotated or revoked key stops at once;
/// another replica, or a key changed in the database by hand, takes up to <see cref="Lifetime"/>.
/// A key that matches no tenant is never kept: a wrong token is looked up every time.
/// </summary>
public sealed class ApiKeyCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    /// <summary>Past this many entries, adding one first drops those expired (tokens no longer sent).</summary>
    private const int PruneAbove = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private long _generation;
    private long _nextPruneTicks;

    /// <summary>Taken before a lookup starts: <see cref="Add"/> keeps its result only if no key changed since.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The entries held, expired ones included until they are pruned.</summary>
    public int Count => _entries.Count;

    public bool TryGet(byte[] apiKeyHash, out string tenantId)
    {
        if (_entries.TryGetValue(KeyOf(apiKeyHash), out var entry) && entry.ExpiresAt > time.GetUtcNow())
        {
            tenantId = entry.TenantId;
            return true;
        }

        tenantId = "";
        return false;
    }

    /// <summary>
    /// Keeps a lookup's result (never past the key's own expiry), unless a key changed after
    /// <paramref name="generation"/> was taken.
    /// </summary>
    public void Add(byte[] apiKeyHash, string tenantId, DateTimeOffset? keyExpiresAt, long generation)
    {
        var now = time.GetUtcNow();
        PruneExpired(now);
        var key = KeyOf(apiKeyHash);
        var expiresAt = now + Lifetime;
        var entry = new Entry(tenantId, keyExpiresAt < expiresAt ? keyExpiresAt.Value : expiresAt);
        _entries[key] = entry;
        // Checked after writing: an Invalidate that began meanwhile has either cleared the entry
        // already or moved the generation, and then the entry is taken back here.
        if (Generation != generation)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    /// <summary>A key was changed or removed: nothing looked up before stays.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Past <see cref="PruneAbove"/> entries, drops the expired ones, at most once a lifetime (a scan takes every entry).</summary>
    private void PruneExpired(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (_entries.Count <= PruneAbove || now.UtcTicks < due
            || Interlocked.CompareExchange(ref _nextPruneTicks, (now + Lifetime).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var expired in _entries.Where(pair => pair.Value.ExpiresAt <= now))
        {
            _entries.TryRemove(expired);
        }
    }

    private static string KeyOf(byte[] apiKeyHash) => Convert.ToBase64String(apiKeyHash);

    private sealed record Entry(string TenantId, DateTimeOffset ExpiresAt);
}
