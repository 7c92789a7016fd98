using System.Globalization;
using MailStack.Proxy.Model;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// Fetches a message's attachments: from the MD5 cache when it has them (one fetch per key at a time,
/// so the same file in a hundred messages is fetched once), else from their source — in parallel up
/// to a per-message and a proxy-wide bound, each within the fetch timeout and the size limit,
/// <c>content_md5</c> verified. Any failure fails the whole set with the attachment's name.
/// </summary>
public sealed class AttachmentFetcher : IDisposable
{
    private readonly Dictionary<FetchMode, IAttachmentSource> _sources;
    private readonly AttachmentCache _cache;
    private readonly AttachmentWorkDirectory _work;
    private readonly AttachmentMetrics _metrics;
    private readonly AttachmentOptions _options;
    private readonly SemaphoreSlim _fetchSlots;
    private readonly KeyedLock _keys = new();

    public AttachmentFetcher(IEnumerable<IAttachmentSource> sources, AttachmentCache cache, AttachmentWorkDirectory work, AttachmentMetrics metrics, IOptions<AttachmentOptions> options)
    {
        _sources = sources.ToDictionary(s => s.Mode);
        _cache = cache;
        _work = work;
        _metrics = metrics;
        _options = options.Value;
        _fetchSlots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentFetches));
    }

    public async Task<IReadOnlyList<FetchedAttachment>> FetchAllAsync(IReadOnlyList<MessageAttachment> attachments, AttachmentTenant tenant, CancellationToken cancellationToken)
    {
        if (attachments.Count == 0)
        {
            return [];
        }

        using var perMessage = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentFetchesPerMessage));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = attachments.Select(async attachment =>
        {
            await perMessage.WaitAsync(failed.Token);
            try
            {
                return new FetchedAttachment(attachment, await FetchAsync(attachment, tenant, failed.Token));
            }
            catch
            {
                // The first failure decides the message: stop the other fetches of it.
                await failed.CancelAsync();
                throw;
            }
            finally
            {
                perMessage.Release();
            }
        }).ToList();

        try
        {
            return await Task.WhenAll(tasks);
        }
        catch
        {
            foreach (var done in tasks.Where(t => t.IsCompletedSuccessfully))
            {
                await done.Result.DisposeAsync();
            }

            cancellationToken.ThrowIfCancellationRequested();
            // Report the failure itself, not the fetches it cancelled.
            throw tasks.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is AttachmentFetchException)
                ?? tasks.Select(t => t.Exception?.InnerException).First(e => e is not null)!;
        }
    }

    public async Task<AttachmentContent> FetchAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken)
    {
        if (attachment.CacheKey is not { } key)
        {
            return await FetchFromSourceAsync(attachment, tenant, cancellationToken);
        }

        using var _ = await _keys.AcquireAsync(key, cancellationToken);
        return _cache.TryGet(key) ?? await FetchFromSourceAsync(attachment, tenant, cancellationToken);
    }

    private async Task<AttachmentContent> FetchFromSourceAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken)
    {
        var source = _sources[attachment.FetchMode];
        var mode = attachment.FetchMode.ToString();
        await _fetchSlots.WaitAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.FetchTimeout);
        SpooledBody? body;
        try
        {
            await using var stream = await source.OpenAsync(attachment, tenant, timeout.Token);
            body = await SpooledBody.ReadAsync(stream, _options.MemoryBufferBytes, _options.MaxAttachmentBytes, _work.NewSpoolFile, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _metrics.Fetched(mode, "timeout");
            throw new AttachmentFetchException(attachment.FileName, $"timed out after {_options.FetchTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
        }
        catch (AttachmentFetchException)
        {
            _metrics.Fetched(mode, "failed");
            throw;
        }
        catch (IOException ex)
        {
            _metrics.Fetched(mode, "failed");
            throw new AttachmentFetchException(attachment.FileName, ex.Message);
        }
        finally
        {
            _fetchSlots.Release();
        }

        if (body is null)
        {
            _metrics.Fetched(mode, "too_large");
            throw new AttachmentFetchException(attachment.FileName, $"larger than the limit of {_options.MaxAttachmentBytes} bytes");
        }

        if (attachment.ContentMd5 is { } expected && !string.Equals(expected, body.Md5, StringComparison.OrdinalIgnoreCase))
        {
            body.Discard();
            _metrics.Fetched(mode, "md5_mismatch");
            throw new AttachmentFetchException(attachment.FileName, $"MD5 mismatch (content_md5 {expected}, received {body.Md5})");
        }

        _metrics.Fetched(mode, "ok");
        // Cached by what the bytes are, as genro: a later content_md5 or marker of them finds it.
        return _cache.Store(body);
    }

    public void Dispose() => _fetchSlots.Dispose();
}
