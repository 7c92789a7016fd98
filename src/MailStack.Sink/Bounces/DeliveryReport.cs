using MimeKit;

namespace MailStack.Sink.Bounces;

/// <summary>What a delivery status notification says: about which message, to whom, per recipient.</summary>
/// <param name="ReportingMta">The MTA reporting (<c>Reporting-MTA: dns; …</c>); MAILER-DAEMON's domain.</param>
/// <param name="Sender">The envelope sender of the original message: the report goes to it.</param>
/// <param name="Original">The message returned in the report.</param>
public sealed record DeliveryReport(string ReportingMta, string Sender, MimeMessage Original, IReadOnlyList<RecipientStatus> Recipients)
{
    /// <summary><c>Original-Envelope-Id</c> (the ENVID of the original transaction); omitted when null.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary><c>Arrival-Date</c>; omitted when null.</summary>
    public DateTimeOffset? ArrivalDate { get; init; }

    /// <summary>Return only the header (<c>text/rfc822-headers</c>, for RET=HDRS) instead of <c>message/rfc822</c>.</summary>
    public bool HeadersOnly { get; init; }

    public DateTimeOffset Date { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The report's From; <c>MAILER-DAEMON@</c><see cref="ReportingMta"/> when null.</summary>
    public MailboxAddress? From { get; init; }

    /// <summary>The report's Subject; by action ("Undelivered Mail Returned to Sender", …) when null.</summary>
    public string? Subject { get; init; }
}
