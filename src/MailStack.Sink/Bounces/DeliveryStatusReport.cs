using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace MailStack.Sink.Bounces;

/// <summary>
/// Builds an RFC 3464 delivery status notification with MimeKit: <c>multipart/report;
/// report-type=delivery-status</c> holding a human-readable part, the <c>message/delivery-status</c>
/// fields and the returned message (<c>message/rfc822</c>, or <c>text/rfc822-headers</c>).
/// </summary>
public static class DeliveryStatusReport
{
    public const string ReportType = "delivery-status";

    public static MimeMessage Build(DeliveryReport report)
    {
        ArgumentOutOfRangeException.ThrowIfZero(report.Recipients.Count, nameof(report));
        var message = new MimeMessage
        {
            Date = report.Date,
            MessageId = MimeUtils.GenerateMessageId(report.ReportingMta),
            Subject = report.Subject ?? DefaultSubject(report.Recipients),
        };
        message.From.Add(report.From ?? new MailboxAddress("Mail Delivery System", $"MAILER-DAEMON@{report.ReportingMta}"));
        message.To.Add(MailboxAddress.TryParse(report.Sender, out var sender) ? sender : new MailboxAddress("", report.Sender));
        // RFC 3834: an automatic reply, which well-behaved responders do not answer.
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var body = new MultipartReport(ReportType)
        {
            new TextPart("plain") { Text = HumanReadable(report) },
            StatusPart(report),
            Returned(report),
        };
        message.Body = body;
        return message;
    }

    private static MessageDeliveryStatus StatusPart(DeliveryReport report)
    {
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", $"dns; {report.ReportingMta}" } };
        if (report.EnvelopeId is { } envelopeId)
        {
            perMessage.Add("Original-Envelope-Id", envelopeId);
        }

        if (report.ArrivalDate is { } arrival)
        {
            perMessage.Add("Arrival-Date", DateUtils.FormatDate(arrival));
        }

        status.StatusGroups.Add(perMessage);
        foreach (var recipient in report.Recipients)
        {
            var fields = new HeaderList { { "Final-Recipient", $"rfc822; {recipient.FinalRecipient}" } };
            if (recipient.OriginalRecipient is { } original)
            {
                fields.Add("Original-Recipient", original);
            }

            fields.Add("Action", recipient.Action.ToString().ToLowerInvariant());
            fields.Add("Status", recipient.Status);
            if (recipient.DiagnosticCode is { } diagnostic)
            {
                fields.Add("Diagnostic-Code", diagnostic);
            }

            status.StatusGroups.Add(fields);
        }

        // MimeKit ends every group with a blank line; after the last one that reads back as an
        // empty extra group, so the content ends with the last field instead.
        using var content = new MemoryStream();
        status.Content!.DecodeTo(content);
        var length = (int)content.Length;
        while (length > 0 && content.GetBuffer()[length - 1] is (byte)'\r' or (byte)'\n')
        {
            length--;
        }

        status.Content = new MimeContent(new MemoryStream([.. content.GetBuffer().AsSpan(0, length), .. "\n"u8]));
        return status;
    }

    private static MimeEntity Returned(DeliveryReport report)
    {
        if (!report.HeadersOnly)
        {
            return new MessagePart("rfc822") { Message = report.Original };
        }

        // The header alone, as a message without a body.
        using var headers = new MemoryStream();
        report.Original.Headers.WriteTo(FormatOptions.Default, headers);
        headers.Write("\r\n"u8);
        headers.Position = 0;
        return new TextRfc822Headers { Message = MimeMessage.Load(headers) };
    }

    private static string DefaultSubject(IReadOnlyList<RecipientStatus> recipients) =>
        recipients.Any(r => r.Action == DsnAction.Failed) ? "Undelivered Mail Returned to Sender"
        : recipients.Any(r => r.Action == DsnAction.Delayed) ? "Delayed Mail (still being retried)"
        : "Successful Mail Delivery Report";

    private static string HumanReadable(DeliveryReport report)
    {
        var text = new StringBuilder();
        text.Append("This is the mail system at host ").Append(report.ReportingMta).Append(".\n\n");
        foreach (var group in report.Recipients.GroupBy(r => r.Action))
        {
            text.Append(group.Key switch
            {
                DsnAction.Failed => "Your message could not be delivered to the recipients below; it is returned with this report.",
                DsnAction.Delayed => "Delivery of your message to the recipients below is delayed; the mail system keeps trying. This is a warning only: do not resend the message.",
                _ => "Your message was delivered to the recipients below.",
            }).Append("\n\n");
            foreach (var recipient in group)
            {
                text.Append('<').Append(recipient.FinalRecipient).Append(">: ").Append(recipient.DiagnosticCode ?? recipient.Status).Append('\n');
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
