using MailStack.Proxy.Attachments;
using MailStack.Proxy.Bounces.Parsing;
using MailStack.Proxy.Model;
using MimeKit;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Builds the MIME message of an <see cref="OutgoingMessage"/>: bodies, addresses, headers, tracking
/// header, and its prepared attachments — inline ones streamed from their content, large ones as a
/// download footer on every body.
/// </summary>
public static class MailComposer
{
    /// <param name="returnPath">The instance's bounce return path: the envelope sender unless the message gives its own <c>return_path</c>.</param>
    public static (MimeMessage Message, MailboxAddress Sender, List<MailboxAddress> Recipients) Compose(OutgoingMessage outgoing, PreparedAttachments attachments, string trackingHeader, string hostName,
        MailboxAddress? returnPath = null)
    {
        var message = new MimeMessage();
        message.From.Add(outgoing.From);
        message.To.AddRange(outgoing.To);
        message.Cc.AddRange(outgoing.Cc);
        if (outgoing.ReplyTo is { } replyTo)
        {
            message.ReplyTo.Add(replyTo);
        }

        message.Subject = outgoing.Subject;
        // A made-up Message-ID carries the message's key: a report returning only it still names the message.
        message.MessageId = outgoing.MessageId
            ?? BounceMessageId.Format(new(outgoing.TenantId, outgoing.Id), hostName)
            ?? MimeKit.Utils.MimeUtils.GenerateMessageId(hostName);
        foreach (var (name, value) in outgoing.Headers)
        {
            message.Headers.Replace(name, value);
        }

        // After the custom headers: a client header of the same name never replaces the tracking id.
        message.Headers.Replace(trackingHeader, outgoing.Id);

        var body = new BodyBuilder();
        if (outgoing.BodyFormat == BodyFormat.Html)
        {
            body.HtmlBody = outgoing.Body;
        }
        else
        {
            body.TextBody = outgoing.Body;
            if (outgoing.Html is { } html)
            {
                body.HtmlBody = html;
            }
        }

        if (attachments.Links.Count > 0)
        {
            body.TextBody = body.TextBody is { } text ? DownloadFooter.AppendToText(text, attachments.Links) : null;
            body.HtmlBody = body.HtmlBody is { } markup ? DownloadFooter.AppendToHtml(markup, attachments.Links) : null;
        }

        foreach (var attachment in attachments.Inline)
        {
            // A part over the fetched content, read when the mail is written: BodyBuilder's
            // Add(name, stream) would copy every attachment into memory first.
            body.Attachments.Add(new MimePart(ContentType.Parse(attachment.Attachment.MimeType))
            {
                Content = new MimeContent(attachment.Content.Rewind()),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.Attachment.FileName,
            });
        }

        message.Body = body.ToMessageBody();
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(outgoing.Bcc).ToList();
        return (message, outgoing.ReturnPath ?? returnPath ?? outgoing.From, recipients);
    }
}
