using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// Attachments by MD5, in two tiers as genro has them: small bodies in memory, larger ones as files
/// in the disk tier; each with a size cap (least recently used go first) and a time to live.
/// A hit opens its own stream, so eviction never pulls bytes from under a message being sent.
/// </summary>
public sealed class AttachmentCache
{
    private readonly AttachmentCacheOptions _options;
    private readonly AttachmentWorkDirectory _work;
    private readonly AttachmentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly LruIndex<byte[]> _memory;
    private readonly LruIndex<string> _disk;

    public AttachmentCache(IOptions<AttachmentOptions> options, AttachmentWorkDirectory work, AttachmentMetrics metrics, TimeProvider time)
    {
        _options = options.Value.Cache;
        _work = work;
        _metrics = metrics;
        _time = time;
        _memory = new LruIndex<byte[]>((long)(_options.MemoryMaxMb * 1024 * 1024), _options.MemoryTtl, _ => { });
        _disk = new LruIndex<string>((long)(_options.DiskMaxMb * 1024 * 1024), _options.DiskTtl, DeleteFile);
        // The disk tier outlives the process when its directory is configured: index what is there.
        foreach (var file in Directory.EnumerateFiles(work.Cache).Where(f => IsMd5(Path.GetFileName(f))))
        {
            var info = new FileInfo(file);
            _disk.Put(info.Name, file, info.Length, new DateTimeOffset(info.LastWriteTimeUtc));
        }
    }

    private long DiskThresholdBytes => (long)(_options.DiskThresholdKb * 1024);

    /// <summary>The cached bytes of <paramref name="md5"/>, counted as a hit or a miss.</summary>
    public AttachmentContent? TryGet(string md5)
    {
        var now = _time.GetUtcNow();
        if (_memory.TryGet(md5, now, out var bytes, out var length))
        {
            _metrics.CacheHit("memory");
            return new AttachmentContent(new MemoryStream(bytes, writable: false), length, md5, fromCache: true);
        }

        if (_disk.TryGet(md5, now, out var path, out length))
        {
            try
            {
                var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
                _metrics.CacheHit("disk");
                return new AttachmentContent(stream, length, md5, fromCache: true);
            }
            catch (IOException)
            {
                _disk.Remove(md5);
            }
        }

        _metrics.CacheMiss();
        return null;
    }

    /// <summary>Keeps a fetched body (taking ownership of its spool file) and returns content to send it from.</summary>
    public AttachmentContent Store(SpooledBody body)
    {
        var now = _time.GetUtcNow();
        if (body.Bytes is { } bytes && body.Length <= DiskThresholdBytes)
        {
            _memory.Put(body.Md5, bytes, body.Length, now);
            return new AttachmentContent(new MemoryStream(bytes, writable: false), body.Length, body.Md5, fromCache: false);
        }

        if (_disk.Fits(body.Length))
        {
            var path = Path.Combine(_work.Cache, body.Md5);
            if (body.Bytes is { } small)
            {
                File.WriteAllBytes(path, small);
            }
            else
            {
                File.Move(body.SpoolFile!, path, overwrite: true);
            }

            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
            _disk.Put(body.Md5, path, body.Length, now);
            return new AttachmentContent(stream, body.Length, body.Md5, fromCache: false);
        }

        return body.Open();
    }

    private static bool IsMd5(string name) => name.Length == 32 && name.All(char.IsAsciiHexDigitLower);

    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Gone already or still open on another system: nothing to keep track of.
        }
    }
}
