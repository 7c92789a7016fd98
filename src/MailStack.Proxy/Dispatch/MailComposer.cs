using MailStack.Proxy.Model;
using MimeKit;

namespace MailStack.Proxy.Dispatch;

/// <summary>Builds the MIME message of an <see cref="OutgoingMessage"/>: bodies, addresses, headers, attachments, tracking header.</summary>
public static class MailComposer
{
    public static (MimeMessage Message, MailboxAddress Sender, List<MailboxAddress> Recipients) Compose(OutgoingMessage outgoing, string trackingHeader, string hostName)
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
        message.MessageId = outgoing.MessageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId(hostName);
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

        foreach (var attachment in outgoing.Attachments)
        {
            body.Attachments.Add(attachment.FileName, AttachmentSource.Read(attachment), ContentType.Parse(attachment.MimeType));
        }

        message.Body = body.ToMessageBody();
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(outgoing.Bcc).ToList();
        return (message, outgoing.ReturnPath ?? outgoing.From, recipients);
    }
}
