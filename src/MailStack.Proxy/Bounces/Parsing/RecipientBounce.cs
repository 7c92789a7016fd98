namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>One recipient a report says failed (or is delayed).</summary>
/// <param name="Recipient">The failed address (<c>Final-Recipient</c>, else <c>Original-Recipient</c>); empty when a non-standard bounce names none.</param>
/// <param name="Code">
/// genro's <c>bounce_code</c>: the RFC 3463 status without dots ("5.1.1" → "511") when the report has
/// a <c>Status</c>, else the SMTP reply code ("550") from the Diagnostic-Code or the bounce text; empty when there is none.
/// </param>
/// <param name="Reason">The Diagnostic-Code's text (or the bounce text's line), at most <see cref="MaxReasonLength"/> characters.</param>
public sealed record RecipientBounce(string Recipient, BounceType Type, string Code, string Reason)
{
    public const int MaxReasonLength = 500;
}
