using System.Text.Json.Serialization;

namespace MailStack.Tests.Proxy.Client;

/// <summary>An attachment of an add-messages item.</summary>
public sealed record OutgoingAttachment(
    [property: JsonPropertyName("filename")] string FileName,
    [property: JsonPropertyName("storage_path")] string StoragePath,
    [property: JsonPropertyName("mime_type")] string? MimeType = null)
{
    /// <summary>Inline content, genro's <c>base64:</c> storage path.</summary>
    public static OutgoingAttachment Inline(string fileName, byte[] content, string mimeType) =>
        new(fileName, "base64:" + Convert.ToBase64String(content), mimeType);
}
