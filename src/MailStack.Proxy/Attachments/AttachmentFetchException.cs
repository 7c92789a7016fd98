namespace MailStack.Proxy.Attachments;

/// <summary>An attachment could not be fetched; the message ends <c>error</c> with this message.</summary>
public sealed class AttachmentFetchException(string fileName, string reason)
    : Exception($"Attachment fetch failed for '{fileName}': {reason}")
{
    public string FileName { get; } = fileName;

    public string Reason { get; } = reason;
}
