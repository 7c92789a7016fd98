using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary><c>base64</c>: the bytes are the storage path itself, with or without the <c>base64:</c> prefix.</summary>
public sealed class Base64AttachmentSource : IAttachmentSource
{
    public FetchMode Mode => FetchMode.Base64;

    public Task<Stream> OpenAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken) =>
        TryDecode(attachment.StoragePath) is { } bytes
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : throw new AttachmentFetchException(attachment.FileName, InvalidReason);

    public const string InvalidReason = "storage_path is not valid base64";

    /// <summary>The decoded bytes, or null when the value is not base64 (checked at enqueue too).</summary>
    public static byte[]? TryDecode(string storagePath)
    {
        var data = storagePath.StartsWith(MessageAttachment.Base64Prefix, StringComparison.Ordinal) ? storagePath[MessageAttachment.Base64Prefix.Length..] : storagePath;
        try
        {
            return Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
