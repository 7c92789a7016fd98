using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary>An attachment of a message with its bytes.</summary>
public sealed record FetchedAttachment(MessageAttachment Attachment, AttachmentContent Content) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
