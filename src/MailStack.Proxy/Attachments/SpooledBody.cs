using System.Security.Cryptography;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// A fetched body as it was read: in memory up to a threshold, beyond it in a spool file; its MD5
/// computed on the way. <see cref="ReadAsync"/> stops as soon as the size limit is passed.
/// </summary>
public sealed class SpooledBody
{
    private SpooledBody(byte[]? bytes, string? spoolFile, long length, string md5) =>
        (Bytes, SpoolFile, Length, Md5) = (bytes, spoolFile, length, md5);

    public byte[]? Bytes { get; }

    public string? SpoolFile { get; }

    public long Length { get; }

    public string Md5 { get; }

    /// <summary>Reads <paramref name="source"/> to its end; null when it is longer than <paramref name="maxBytes"/> (nothing left behind).</summary>
    public static async Task<SpooledBody?> ReadAsync(Stream source, int memoryBytes, long maxBytes, Func<string> newSpoolFile, CancellationToken cancellationToken)
    {
#pragma warning disable CA5351 // MD5 is genro's cache key and integrity field here, not a security measure.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        var buffer = new byte[81920];
        var memory = new MemoryStream();
        FileStream? spool = null;
        long length = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    await DiscardAsync(spool);
                    return null;
                }

                md5.AppendData(buffer, 0, read);
                if (spool is null && length > memoryBytes)
                {
                    spool = new FileStream(newSpoolFile(), FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
                    memory.Position = 0;
                    await memory.CopyToAsync(spool, cancellationToken);
                    memory = new MemoryStream();
                }

                await (spool is null ? memory.WriteAsync(buffer.AsMemory(0, read), cancellationToken) : spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken));
            }

            var hash = Convert.ToHexStringLower(md5.GetHashAndReset());
            if (spool is null)
            {
                return new SpooledBody(memory.ToArray(), null, length, hash);
            }

            await spool.DisposeAsync();
            return new SpooledBody(null, spool.Name, length, hash);
        }
        catch
        {
            await DiscardAsync(spool);
            throw;
        }
    }

    /// <summary>Content over these bytes, not cached: a spool file goes when the content is disposed.</summary>
    public AttachmentContent Open() => Bytes is { } bytes
        ? new AttachmentContent(new MemoryStream(bytes, writable: false), Length, Md5, fromCache: false)
        : new AttachmentContent(new FileStream(SpoolFile!, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose), Length, Md5, fromCache: false);

    /// <summary>Forgets the body (a refused one).</summary>
    public void Discard()
    {
        if (SpoolFile is not null)
        {
            File.Delete(SpoolFile);
        }
    }

    private static async Task DiscardAsync(FileStream? spool)
    {
        if (spool is not null)
        {
            await spool.DisposeAsync();
            File.Delete(spool.Name);
        }
    }
}
