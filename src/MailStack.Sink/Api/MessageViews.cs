using MailStack.Sink.Client;
using MailStack.Sink.Storage;
using System.Security.Cryptography;
using MimeKit;

namespace MailStack.Sink.Api;

/// <summary>Builds the full-message view (bodies, inline parts, attachments with part IDs) from raw bytes.</summary>
internal static class MessageViews
{
    public static MessageDetail Detail(StoredMessage stored)
    {
        var message = stored.Parse();
        var inline = new List<AttachmentInfo>();
        var attachments = new List<AttachmentInfo>();
        foreach (var (partId, part) in Parts(message))
        {
            if (part.IsAttachment)
            {
                attachments.Add(Info(partId, part));
            }
            else if (part.ContentId is not null || (part.ContentType.MediaType == "image"))
            {
                inline.Add(Info(partId, part));
            }
        }

        var s = stored.Summary;
        return new MessageDetail(
            stored.Id, s.MessageId, s.From, s.To, s.Cc, s.Bcc, s.ReplyTo, s.ReturnPath, s.Subject, ListUnsubscribeParser.Of(message.Headers), s.Date,
            stored.Tags, stored.Username ?? "", message.TextBody ?? "", message.HtmlBody ?? "", stored.Raw.Length, inline, attachments,
            EnvelopeView(stored.Envelope));
    }

    /// <summary>The SMTP envelope with its DSN parameters (ext), in the protocol's keywords.</summary>
    public static SmtpEnvelope EnvelopeView(Envelope envelope) => new(
        envelope.From,
        envelope.Dsn.Return switch { DsnReturn.Full => "FULL", DsnReturn.Headers => "HDRS", _ => null },
        envelope.Dsn.EnvelopeId,
        [.. envelope.Recipients.Select(address => envelope.Dsn.For(address)).Select(r => new EnvelopeRecipient(r.Address, r.NotifyText, r.OriginalRecipient))]);

    /// <summary>Every leaf MIME part with its IMAP-style part ID ("1", "2.1", …).</summary>
    public static IEnumerable<(string PartId, MimePart Part)> Parts(MimeMessage message)
    {
        using var iterator = new MimeIterator(message);
        while (iterator.MoveNext())
        {
            if (iterator.Current is MimePart part)
            {
                yield return (iterator.PathSpecifier, part);
            }
        }
    }

    /// <summary>The decoded bytes of a part.</summary>
    public static byte[] Content(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content?.DecodeTo(content);
        return content.ToArray();
    }

    /// <summary>Mailpit names a part without a file name by its Content-ID.</summary>
    public static string FileName(MimePart part) => part.FileName ?? part.ContentId ?? "";

    private static AttachmentInfo Info(string partId, MimePart part)
    {
        var content = Content(part);

        // Checksums to compare files, as Mailpit lists them, not security.
#pragma warning disable CA5351, CA5350
        var checksums = new AttachmentChecksums(
            Convert.ToHexStringLower(MD5.HashData(content)),
            Convert.ToHexStringLower(SHA1.HashData(content)),
            Convert.ToHexStringLower(SHA256.HashData(content)));
#pragma warning restore CA5351, CA5350
        return new AttachmentInfo(partId, FileName(part), part.ContentType.MimeType, part.ContentId ?? "", content.Length, checksums);
    }
}

internal static class MessageSummaries
{
    public static MessageSummary Of(StoredMessage m) => new(
        m.Id, m.Summary.MessageId, m.Read, m.Summary.From, m.Summary.To, m.Summary.Cc, m.Summary.Bcc, m.Summary.ReplyTo,
        m.Summary.Subject, m.Received.UtcDateTime, m.Username ?? "", m.Tags, m.Raw.Length, m.Summary.AttachmentCount, m.Summary.Snippet);
}
