using System.Security.Cryptography;
using System.Text;
using MailStack.Proxy.Attachments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailStack.Proxy.UnitTests.Attachments;

/// <summary>The MD5 cache's two tiers (memory for small bodies, files for larger ones), their TTL and size caps; spooling of fetched bodies.</summary>
public sealed class AttachmentCacheTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mailstack-cache-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private (AttachmentCache Cache, AttachmentMetrics Metrics, AttachmentWorkDirectory Work) Create(Action<AttachmentCacheOptions>? configure = null)
    {
        var options = new AttachmentOptions { WorkDirectory = _work, MemoryBufferBytes = 64 * 1024 };
        configure?.Invoke(options.Cache);
        var work = new AttachmentWorkDirectory(Options.Create(options));
        var metrics = new AttachmentMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        return (new AttachmentCache(Options.Create(options), work, metrics, _time), metrics, work);
    }

    private static async Task<SpooledBody> BodyAsync(byte[] bytes, AttachmentWorkDirectory work, long max = long.MaxValue) =>
        (await SpooledBody.ReadAsync(new MemoryStream(bytes), 64 * 1024, max, work.NewSpoolFile, TestContext.Current.CancellationToken))!;

    private static async Task<byte[]> ReadAsync(AttachmentContent content)
    {
        await using (content)
        {
            using var copy = new MemoryStream();
            await content.Rewind().CopyToAsync(copy, TestContext.Current.CancellationToken);
            return copy.ToArray();
        }
    }

#pragma warning disable CA5351
    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351

    [Fact]
    public async Task A_small_body_is_served_from_memory_until_its_ttl_ends()
    {
        var (cache, metrics, work) = Create(c => c.MemoryTtl = TimeSpan.FromMinutes(5));
        var bytes = Encoding.UTF8.GetBytes("logo");
        var stored = cache.Store(await BodyAsync(bytes, work));
        Assert.Equal(bytes, await ReadAsync(stored));

        Assert.Equal(bytes, await ReadAsync(cache.TryGet(Md5(bytes))!));
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Null(cache.TryGet(Md5(bytes)));
        Assert.Equal((1, 1), (metrics.CacheHits, metrics.CacheMisses));
        Assert.Empty(Directory.GetFiles(work.Cache));
    }

    [Fact]
    public async Task A_larger_body_goes_to_the_disk_tier_and_a_hit_survives_its_eviction()
    {
        var (cache, _, work) = Create(c => c.DiskMaxMb = 1);
        var first = RandomNumberGenerator.GetBytes(600_000);
        var second = RandomNumberGenerator.GetBytes(600_000);
        Assert.Equal(first, await ReadAsync(cache.Store(await BodyAsync(first, work))));
        Assert.Equal([Path.Combine(work.Cache, Md5(first))], Directory.GetFiles(work.Cache));

        var held = cache.TryGet(Md5(first))!;
        // Over the 1 MB cap: the least recently used file goes, the open hit still reads it whole.
        await cache.Store(await BodyAsync(second, work)).DisposeAsync();
        Assert.Equal([Path.Combine(work.Cache, Md5(second))], Directory.GetFiles(work.Cache));
        Assert.Null(cache.TryGet(Md5(first)));
        Assert.Equal(first, await ReadAsync(held));
        Assert.Empty(Directory.GetFiles(work.Spool));
    }

    [Fact]
    public async Task Memory_over_its_cap_drops_the_least_recently_used()
    {
        var (cache, _, work) = Create(c => (c.MemoryMaxMb, c.DiskThresholdKb, c.DiskMaxMb) = (0.1, 100, 0));
        var a = RandomNumberGenerator.GetBytes(40_000);
        var b = RandomNumberGenerator.GetBytes(40_000);
        var c = RandomNumberGenerator.GetBytes(40_000);
        await ReadAsync(cache.Store(await BodyAsync(a, work)));
        await ReadAsync(cache.Store(await BodyAsync(b, work)));
        await ReadAsync(cache.TryGet(Md5(a))!); // a is now the most recent
        await ReadAsync(cache.Store(await BodyAsync(c, work)));

        Assert.NotNull(cache.TryGet(Md5(a)));
        Assert.Null(cache.TryGet(Md5(b)));
        Assert.NotNull(cache.TryGet(Md5(c)));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_while_streaming_and_leaves_no_file()
    {
        var (_, _, work) = Create();
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        Assert.Null(await SpooledBody.ReadAsync(new MemoryStream(bytes), 64 * 1024, 200_000, work.NewSpoolFile, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFiles(work.Spool));
        var body = await BodyAsync(bytes, work, max: 300_000);
        Assert.Equal((null, 300_000L, Md5(bytes)), (body.Bytes, body.Length, body.Md5));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(body.SpoolFile!, TestContext.Current.CancellationToken));
        body.Discard();
    }
}
