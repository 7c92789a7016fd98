namespace MailStack.Proxy.Attachments;

/// <summary>How attachments are fetched (<c>Proxy:Attachments</c>); genro's defaults where it has one.</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Proxy:Attachments";

    /// <summary>One fetch, from the request to the last byte (genro: 30 s).</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fetches in flight over the whole proxy.</summary>
    public int MaxConcurrentFetches { get; set; } = 16;

    /// <summary>Fetches in flight for one message (genro: 3).</summary>
    public int MaxConcurrentFetchesPerMessage { get; set; } = 3;

    /// <summary>A body larger than this fails its fetch while it streams.</summary>
    public long MaxAttachmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A body larger than this is written to a temporary file rather than kept in memory.</summary>
    public int MemoryBufferBytes { get; set; } = 256 * 1024;

    /// <summary>The only directory <c>filesystem</c> attachments are read from; unset turns that mode off.</summary>
    public string? FilesystemRoot { get; set; }

    /// <summary>Where large bodies and the disk cache live; a folder of this process under the system temp directory by default.</summary>
    public string? WorkDirectory { get; set; }

    public AttachmentCacheOptions Cache { get; set; } = new();
}
