namespace MailStack.Proxy.Attachments;

/// <summary>
/// An attachment's fetched bytes: a seekable stream over memory, a cache file or a temporary file
/// (deleted when disposed), with its length and MD5. Read it with <see cref="Rewind"/>.
/// </summary>
public sealed class AttachmentContent(Stream stream, long length, string md5, bool fromCache) : IAsyncDisposable
{
    public long Length { get; } = length;

    /// <summary>Lower-case hex MD5 of the bytes.</summary>
    public string Md5 { get; } = md5;

    /// <summary>True when no fetch was made for it.</summary>
    public bool FromCache { get; } = fromCache;

    /// <summary>The bytes from the start; the content keeps owning the stream.</summary>
    public Stream Rewind()
    {
        stream.Position = 0;
        return stream;
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
