using System.Text;
using MailStack.Sink.Bounces;
using MimeKit;
using MimeKit.Utils;

namespace MailStack.Testing.Bounces;

/// <summary>
/// Builds bounce reports for tests of a bounce reader: RFC 3464 reports (hard, soft, delayed, or a
/// success report that is no bounce) through the sink's own <see cref="DeliveryStatusReport"/>, and
/// non-standard bounces (<see cref="NonStandardBounceStyle"/>). The returned message carries what a
/// reader correlates on: the tracking header, the Message-ID, and the report the ENVID.
/// <code>
/// var report = BounceReportBuilder.Hard("x@example.test").WithTrackingId("msg-1").WithEnvelopeId("tenant1:msg-1").Build();
/// </code>
/// </summary>
public sealed class BounceReportBuilder
{
    public const string DefaultTrackingHeader = "X-MailStack-ID";
    public const string DefaultSender = "bounces@mailstack.test";
    public const string DefaultReportingMta = "mx.example.test";

    private readonly List<RecipientStatus> _recipients = [];
    private readonly NonStandardBounceStyle? _style;
    private readonly List<(string Name, string Value)> _originalHeaders = [];
    private string _sender = DefaultSender;
    private string _reportingMta = DefaultReportingMta;
    private MailboxAddress? _from;
    private string? _subject;
    private string? _envelopeId;
    private string? _messageId;
    private MimeMessage? _original;
    private bool _headersOnly;
    private DateTimeOffset _date = DateTimeOffset.UtcNow;

    private BounceReportBuilder(RecipientStatus first, NonStandardBounceStyle? style)
    {
        _recipients.Add(first);
        _style = style;
    }

    /// <summary><c>Action: failed</c>, <c>Status: 5.1.1</c>, <c>Diagnostic-Code: smtp; 550 5.1.1 &lt;recipient&gt;: user unknown</c>.</summary>
    public static BounceReportBuilder Hard(string recipient) => new(Status(recipient, DsnAction.Failed, "5.1.1"), null);

    /// <summary><c>Action: failed</c>, <c>Status: 4.2.2</c>, <c>Diagnostic-Code: smtp; 452 4.2.2 &lt;recipient&gt;: mailbox full</c>.</summary>
    public static BounceReportBuilder Soft(string recipient) => new(Status(recipient, DsnAction.Failed, "4.2.2"), null);

    /// <summary><c>Action: delayed</c>, <c>Status: 4.4.1</c>: a warning, delivery still being retried.</summary>
    public static BounceReportBuilder Delayed(string recipient) => new(Status(recipient, DsnAction.Delayed, "4.4.1"), null);

    /// <summary><c>Action: delivered</c>, <c>Status: 2.0.0</c>: a success report, which is not a bounce.</summary>
    public static BounceReportBuilder Delivered(string recipient) => new(Status(recipient, DsnAction.Delivered, "2.0.0"), null);

    /// <summary>A bounce without a delivery-status part; the reply in its text is <c>550 5.1.1 user unknown</c> unless <see cref="WithStatus"/> says otherwise.</summary>
    public static BounceReportBuilder NonStandard(string recipient, NonStandardBounceStyle style = NonStandardBounceStyle.UndeliveredMail) =>
        new(Status(recipient, DsnAction.Failed, "5.1.1"), style);

    /// <summary>Replaces the first recipient's status (and Diagnostic-Code; derived from the status when null).</summary>
    public BounceReportBuilder WithStatus(string status, string? diagnosticCode = null)
    {
        _recipients[0] = _recipients[0] with { Status = status, DiagnosticCode = diagnosticCode ?? Diagnostic(_recipients[0].FinalRecipient, status) };
        return this;
    }

    /// <summary>Another recipient in the same report (status from <paramref name="action"/>'s usual code when null).</summary>
    public BounceReportBuilder AndRecipient(string recipient, DsnAction action = DsnAction.Failed, string? status = null, string? diagnosticCode = null)
    {
        var entry = Status(recipient, action, status ?? (action == DsnAction.Delayed ? "4.4.1" : action == DsnAction.Failed ? "5.1.1" : "2.0.0"));
        _recipients.Add(diagnosticCode is null ? entry : entry with { DiagnosticCode = diagnosticCode });
        return this;
    }

    /// <summary><c>Original-Recipient</c> of the first recipient, e.g. "rfc822;alias@example.test".</summary>
    public BounceReportBuilder WithOriginalRecipient(string originalRecipient)
    {
        _recipients[0] = _recipients[0] with { OriginalRecipient = originalRecipient };
        return this;
    }

    /// <summary>The tracking header in the returned message (as the proxy sets it on every mail).</summary>
    public BounceReportBuilder WithTrackingId(string id, string header = DefaultTrackingHeader) => WithOriginalHeader(header, id);

    /// <summary>Any header in the returned message.</summary>
    public BounceReportBuilder WithOriginalHeader(string name, string value)
    {
        _originalHeaders.Add((name, value));
        return this;
    }

    /// <summary><c>Original-Envelope-Id</c> (the ENVID the sender gave); standard reports only.</summary>
    public BounceReportBuilder WithEnvelopeId(string envelopeId)
    {
        _envelopeId = envelopeId;
        return this;
    }

    /// <summary>The returned message's Message-ID (without angle brackets).</summary>
    public BounceReportBuilder WithMessageId(string messageId)
    {
        _messageId = messageId;
        return this;
    }

    /// <summary>Returns exactly this message (tracking header, Message-ID and extra headers are still applied to it).</summary>
    public BounceReportBuilder WithOriginal(MimeMessage original)
    {
        _original = original;
        return this;
    }

    /// <summary>Return only the header (<c>text/rfc822-headers</c>, as with RET=HDRS).</summary>
    public BounceReportBuilder ReturningHeadersOnly()
    {
        _headersOnly = true;
        return this;
    }

    /// <summary>The report's To: the envelope sender of the bounced mail (default <see cref="DefaultSender"/>).</summary>
    public BounceReportBuilder To(string sender)
    {
        _sender = sender;
        return this;
    }

    /// <summary>The report's From (default <c>MAILER-DAEMON@</c><see cref="DefaultReportingMta"/>).</summary>
    public BounceReportBuilder From(string address, string name = "Mail Delivery System")
    {
        _from = new MailboxAddress(name, address);
        return this;
    }

    public BounceReportBuilder WithReportingMta(string reportingMta)
    {
        _reportingMta = reportingMta;
        return this;
    }

    public BounceReportBuilder WithSubject(string subject)
    {
        _subject = subject;
        return this;
    }

    public BounceReportBuilder WithDate(DateTimeOffset date)
    {
        _date = date;
        return this;
    }

    public MimeMessage Build()
    {
        var original = Original();
        if (_style is not { } style)
        {
            return DeliveryStatusReport.Build(new DeliveryReport(_reportingMta, _sender, original, [.. _recipients])
            {
                EnvelopeId = _envelopeId,
                ArrivalDate = _date.AddMinutes(-1),
                HeadersOnly = _headersOnly,
                Date = _date,
                From = _from,
                Subject = _subject,
            });
        }

        var report = new MimeMessage { Date = _date, MessageId = MimeUtils.GenerateMessageId(_reportingMta) };
        report.From.Add(_from ?? new MailboxAddress("Mail Delivery System", $"MAILER-DAEMON@{_reportingMta}"));
        report.To.Add(MailboxAddress.Parse(_sender));
        report.Subject = _subject ?? (style == NonStandardBounceStyle.FailureNotice ? "failure notice" : "Undelivered Mail Returned to Sender");
        var replies = string.Join("\n", _recipients.Select(r => $"<{r.FinalRecipient}>: {Reply(r)}"));
        if (style == NonStandardBounceStyle.FailureNotice)
        {
            report.Body = new TextPart("plain")
            {
                Text = $"Hi. This is the mail transfer program at {_reportingMta}.\n"
                    + "Your message could not be delivered to the addresses below; this is a permanent error.\n\n"
                    + $"{replies}\n\n--- Below this line is a copy of the message.\n\n{Serialize(original)}",
            };
        }
        else
        {
            report.Body = new Multipart("mixed")
            {
                new TextPart("plain") { Text = $"This is the mail system at host {_reportingMta}.\n\nYour message could not be delivered to one or more recipients.\n\n{replies}\n" },
                new MessagePart("rfc822") { Message = original },
            };
        }

        return report;
    }

    private MimeMessage Original()
    {
        var original = _original;
        if (original is null)
        {
            original = new MimeMessage { Subject = "Original message", Date = _date.AddMinutes(-1) };
            original.From.Add(MailboxAddress.Parse(_sender));
            original.To.Add(MailboxAddress.Parse(_recipients[0].FinalRecipient));
            original.Body = new TextPart("plain") { Text = "The message that bounced." };
        }

        original.MessageId = _messageId ?? original.MessageId ?? MimeUtils.GenerateMessageId("app.example.test");
        foreach (var (name, value) in _originalHeaders)
        {
            original.Headers.Replace(name, value);
        }

        return original;
    }

    private static RecipientStatus Status(string recipient, DsnAction action, string status) =>
        new(recipient, action, status) { DiagnosticCode = Diagnostic(recipient, status) };

    private static string Diagnostic(string recipient, string status) => BounceDiagnostics.DiagnosticCode(recipient, status);

    /// <summary>The SMTP reply inside the Diagnostic-Code, e.g. "550 5.1.1 &lt;x@y&gt;: user unknown".</summary>
    private static string Reply(RecipientStatus recipient) =>
        recipient.DiagnosticCode is { } diagnostic && diagnostic.IndexOf(';', StringComparison.Ordinal) is >= 0 and var semicolon
            ? diagnostic[(semicolon + 1)..].Trim()
            : BounceDiagnostics.Reply(recipient.FinalRecipient, recipient.Status);

    private static string Serialize(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n");
    }
}
