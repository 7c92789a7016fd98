using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// One fetch mode: opens an attachment's bytes as a stream (read once, front to back). A failure
/// throws <see cref="AttachmentFetchException"/> with the reason.
/// </summary>
public interface IAttachmentSource
{
    FetchMode Mode { get; }

    Task<Stream> OpenAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken);
}
