using MailStack.Proxy.Model;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Reads an attachment's bytes. Only inline base64 is served now; http_url, endpoint and
/// filesystem sources slot in here (see the proxy spec), each failing with a reason naming the file.
/// </summary>
public static class AttachmentSource
{
    public static byte[] Read(MessageAttachment attachment)
    {
        if (attachment.FetchMode != FetchMode.Base64)
        {
            throw new AttachmentException($"Attachment '{attachment.FileName}': fetch mode '{attachment.FetchMode}' is not supported yet (only base64)");
        }

        var path = attachment.StoragePath;
        var data = path.StartsWith(MessageAttachment.Base64Prefix, StringComparison.Ordinal) ? path[MessageAttachment.Base64Prefix.Length..] : path;
        try
        {
            return Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            throw new AttachmentException($"Attachment '{attachment.FileName}': storage_path is not valid base64");
        }
    }
}
