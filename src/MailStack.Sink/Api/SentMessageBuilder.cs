using MailStack.Sink.Client;
using MailStack.Sink.Storage;
using MimeKit;

namespace MailStack.Sink.Api;

/// <summary>
/// Turns a Mailpit send request into a MIME message the way Mailpit's builder does: a text part
/// (always), an HTML alternative, inline parts (with a Content-ID) in multipart/related, other
/// attachments in multipart/mixed; Tags become an <c>X-Tags</c> header. Validation errors carry
/// Mailpit's wording.
/// </summary>
internal static class SentMessageBuilder
{
    private static readonly string[] RestrictedHeaders = ["To", "From", "Cc", "Bcc", "Reply-To", "Date", "Subject", "Content-Type", "Mime-Version"];

    /// <summary>The message and its envelope; or the error Mailpit would give.</summary>
    public static (MimeMessage? Message, Envelope? Envelope, string? Error) Build(SendRequest request)
    {
        var message = new MimeMessage();
        var recipients = new List<string>();
        var addressError = AddAll(request.To, message.To, "To") ?? AddAll(request.Cc, message.Cc, "Cc");
        if (addressError is not null)
        {
            return (null, null, addressError);
        }

        foreach (var address in request.To ?? [])
        {
            recipients.Add(address.Email);
        }

        foreach (var address in request.Cc ?? [])
        {
            recipients.Add(address.Email);
        }

        foreach (var bcc in request.Bcc ?? [])
        {
            if (Parse(bcc) is null)
            {
                return (null, null, $"invalid Bcc address: {bcc}");
            }

            recipients.Add(bcc);
        }

        if (AddAll(request.ReplyTo, message.ReplyTo, "Reply-To") is { } replyError)
        {
            return (null, null, replyError);
        }

        var restricted = RestrictedHeaders.ToList();
        if (request.Tags is { Count: > 0 } tags)
        {
            message.Headers.Add(MessageTags.Header, string.Join(", ", tags));
            restricted.Add(MessageTags.Header);
        }

        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            if (restricted.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return (null, null, $"cannot overwrite header: \"{name}\"");
            }

            message.Headers.Add(name, value ?? "");
        }

        var (inline, attachments, attachmentError) = Attachments(request.Attachments ?? []);
        if (attachmentError is not null)
        {
            return (null, null, attachmentError);
        }

        var from = request.From?.Email ?? "";
        string? missing = from.Length == 0 ? "from not set"
            : string.IsNullOrEmpty(request.Subject) ? "subject not set"
            : recipients.Count == 0 ? "no recipients (to, cc, bcc) set"
            : null;
        if (missing is not null)
        {
            return (null, null, $"error building message: {missing}");
        }

        message.From.Add(new MailboxAddress(request.From!.Name ?? "", from));
        message.Subject = request.Subject!;
        message.Date = DateTimeOffset.Now;
        message.Body = Body(request, inline, attachments);
        return (message, new Envelope(from, recipients), null);
    }

    private static MimeEntity Body(SendRequest request, List<MimePart> inline, List<MimePart> attachments)
    {
        MimeEntity body = new TextPart("plain") { Text = request.Text ?? "" };
        if (!string.IsNullOrEmpty(request.HTML))
        {
            body = new MultipartAlternative { body, new TextPart("html") { Text = request.HTML } };
        }

        if (inline.Count > 0)
        {
            var related = new MultipartRelated { body };
            inline.ForEach(related.Add);
            body = related;
        }

        if (attachments.Count > 0)
        {
            var mixed = new Multipart("mixed") { body };
            attachments.ForEach(mixed.Add);
            body = mixed;
        }

        return body;
    }

    private static (List<MimePart> Inline, List<MimePart> Attachments, string? Error) Attachments(IEnumerable<SendAttachment> requested)
    {
        var inline = new List<MimePart>();
        var attachments = new List<MimePart>();
        foreach (var a in requested)
        {
            // A browser's readAsDataURL() gives "data:image/png;base64,<data>": Mailpit keeps what follows the last comma.
            var encoded = (a.Content ?? "").Split(',')[^1];
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(encoded);
            }
            catch (FormatException ex)
            {
                return (inline, attachments, $"error decoding base64 attachment \"{a.Filename}\": {ex.Message}");
            }

            var contentType = string.IsNullOrEmpty(a.ContentType) ? ContentSniffer.Detect(bytes) : a.ContentType;
            var part = new MimePart(ContentType.Parse(contentType))
            {
                Content = new MimeContent(new MemoryStream(bytes)),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = a.Filename,
            };
            if (string.IsNullOrEmpty(a.ContentID))
            {
                part.ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = a.Filename };
                attachments.Add(part);
            }
            else
            {
                part.ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = a.Filename };
                part.ContentId = a.ContentID;
                inline.Add(part);
            }
        }

        return (inline, attachments, null);
    }

    private static string? AddAll(IReadOnlyList<SendAddress>? addresses, InternetAddressList header, string name)
    {
        foreach (var address in addresses ?? [])
        {
            if (Parse(address.Email) is not { } mailbox)
            {
                return $"invalid {name} address: {address.Email}";
            }

            header.Add(new MailboxAddress(address.Name ?? "", mailbox.Address));
        }

        return null;
    }

    /// <summary>Go's <c>mail.ParseAddress</c> wants an addr-spec: something@domain.</summary>
    private static MailboxAddress? Parse(string? address)
    {
        if (address is null || !MailboxAddress.TryParse(address, out var mailbox))
        {
            return null;
        }

        var at = mailbox.Address.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < mailbox.Address.Length - 1 ? mailbox : null;
    }
}
