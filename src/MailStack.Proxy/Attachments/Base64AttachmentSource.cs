using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary><c>base64</c>: the bytes are the storage path itself, with or without the <c>base64:</c> prefix (checked at enqueue).</summary>
public sealed class Base64AttachmentSource : IAttachmentSource
{
    public FetchMode Mode => FetchMode.Base64;

    public Task<Stream> OpenAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken) =>
        MessageAttachment.DecodeBase64(attachment.StoragePath) is { } bytes
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : throw new AttachmentFetchException(attachment.FileName, "storage_path is not valid base64");
}
