namespace MailStack.Testing.Bounces;

/// <summary>Bounces that are not RFC 3464 reports, as older or simpler MTAs send them.</summary>
public enum NonStandardBounceStyle
{
    /// <summary>
    /// Subject "Undelivered Mail Returned to Sender": <c>multipart/mixed</c> with a plain-text
    /// explanation (holding the SMTP reply) and the returned message attached as <c>message/rfc822</c>.
    /// </summary>
    UndeliveredMail,

    /// <summary>
    /// Subject "failure notice", qmail style: one <c>text/plain</c> body with the reply and, below a
    /// "--- Below this line is a copy of the message." line, the returned message as text.
    /// </summary>
    FailureNotice,
}
