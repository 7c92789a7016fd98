namespace MailStack.Sink.Client;

/// <summary>Hex digests of an attachment's decoded content (Mailpit's <c>Attachment.Checksums</c>).</summary>
public sealed record AttachmentChecksums(string MD5, string SHA1, string SHA256);
