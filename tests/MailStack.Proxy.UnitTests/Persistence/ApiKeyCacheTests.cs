using MailStack.Proxy.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace MailStack.Proxy.UnitTests.Persistence;

/// <summary>API key lookups kept for a second, and dropped when a key changes.</summary>
public sealed class ApiKeyCacheTests
{
    private static readonly byte[] Key = [1, 2, 3, 4];
    private static readonly byte[] OtherKey = [5, 6, 7, 8];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData(null)] // a key without expiry: the cache's lifetime
    [InlineData(300)] // a key expiring sooner: never past its expiry
    public void A_lookup_is_kept_for_a_second_or_until_the_key_expires(int? keyExpiresInMs)
    {
        var cache = new ApiKeyCache(_time);
        var kept = keyExpiresInMs is { } ms ? TimeSpan.FromMilliseconds(ms) : ApiKeyCache.Lifetime;
        Assert.False(cache.TryGet(Key, out _));
        cache.Add(Key, "acme", keyExpiresInMs is null ? null : _time.GetUtcNow() + kept, cache.Generation);

        _time.Advance(kept - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet(Key, out var tenant));
        Assert.Equal("acme", tenant);
        Assert.False(cache.TryGet(OtherKey, out _));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet(Key, out _));
    }

    [Fact]
    public void A_changed_key_drops_every_lookup()
    {
        var cache = new ApiKeyCache(_time);
        cache.Add(Key, "acme", null, cache.Generation);
        cache.Add(OtherKey, "globex", null, cache.Generation);

        cache.Invalidate();

        Assert.False(cache.TryGet(Key, out _));
        Assert.False(cache.TryGet(OtherKey, out _));
    }

    [Fact]
    public void A_lookup_that_began_before_a_key_changed_is_not_kept()
    {
        var cache = new ApiKeyCache(_time);
        var generation = cache.Generation;
        cache.Invalidate(); // the key changed while the lookup read the old row

        cache.Add(Key, "acme", null, generation);

        Assert.False(cache.TryGet(Key, out _));
        cache.Add(Key, "acme", null, cache.Generation);
        Assert.True(cache.TryGet(Key, out _));
    }

    [Fact]
    public void Tokens_no_longer_sent_are_dropped_once_many_are_kept()
    {
        var cache = new ApiKeyCache(_time);
        for (var i = 0; i <= 1024; i++)
        {
            cache.Add(BitConverter.GetBytes(i), $"tenant-{i}", null, cache.Generation);
        }

        _time.Advance(ApiKeyCache.Lifetime);
        cache.Add(Key, "acme", null, cache.Generation);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(Key, out _));
    }
}
