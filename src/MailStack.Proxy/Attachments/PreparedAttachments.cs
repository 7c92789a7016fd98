namespace MailStack.Proxy.Attachments;

/// <summary>
/// A message's attachments ready to compose: those sent inline, the large ones replaced by links,
/// and warnings for the message's history (a large file sent anyway, an upload that failed).
/// </summary>
public sealed class PreparedAttachments(IReadOnlyList<FetchedAttachment> inline, IReadOnlyList<DownloadLink> links, IReadOnlyList<string> warnings) : IAsyncDisposable
{
    public static readonly PreparedAttachments None = new([], [], []);

    public IReadOnlyList<FetchedAttachment> Inline { get; } = inline;

    public IReadOnlyList<DownloadLink> Links { get; } = links;

    public IReadOnlyList<string> Warnings { get; } = warnings;

    public async ValueTask DisposeAsync()
    {
        foreach (var attachment in Inline)
        {
            await attachment.DisposeAsync();
        }
    }
}
