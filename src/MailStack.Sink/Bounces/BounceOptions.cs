namespace MailStack.Sink.Bounces;

/// <summary>
/// Where bounce reports go (<c>Sink:Bounce</c>): IMAP APPEND into a mailbox, or SMTP to a server;
/// with neither configured the sink keeps them itself (as mail to the envelope sender).
/// </summary>
public sealed class BounceOptions
{
    /// <summary>Reporting-MTA and MAILER-DAEMON's domain; the SMTP host name when null.</summary>
    public string? ReportingMta { get; set; }

    public ImapBounceRouteOptions? Imap { get; set; }

    public SmtpBounceRouteOptions? Smtp { get; set; }

    /// <summary>Tries per report before it is given up (and logged).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait after the first failed try; doubled after each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one delivery may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
