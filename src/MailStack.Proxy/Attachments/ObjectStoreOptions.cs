namespace MailStack.Proxy.Attachments;

/// <summary>
/// Where large attachments go (<c>Proxy:ObjectStore</c>). Endpoint and credentials come from the
/// <c>objects</c> connection string the stack hands the proxy; the bucket from it unless set here.
/// </summary>
public sealed class ObjectStoreOptions
{
    public const string Section = "Proxy:ObjectStore";
    public const string ConnectionName = "objects";

    /// <summary>Overrides the connection string's bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>Prepended to every object key.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>S3 signature version 4 presigns for at most seven days: a longer link is refused by S3 when used.</summary>
    public const int S3MaxLinkDays = 7;

    /// <summary>Longer <c>file_ttl_days</c> are cut to this; it may shorten links, never lengthen them beyond <see cref="S3MaxLinkDays"/>.</summary>
    public int MaxLinkDays { get; set; } = S3MaxLinkDays;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
