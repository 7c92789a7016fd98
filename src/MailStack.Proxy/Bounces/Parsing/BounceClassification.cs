namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>RFC 3463 classification, in one place: 5.x.x hard, 4.x.x soft, x.2.2 (mailbox full) and delays soft.</summary>
internal static class BounceClassification
{
    /// <param name="enhanced">The RFC 3463 code, when known (it wins over the basic code).</param>
    /// <param name="basic">The basic SMTP reply code ("550"), when known.</param>
    /// <param name="delayed"><c>Action: delayed</c>: still being retried, so soft whatever the code.</param>
    public static BounceType Classify(EnhancedStatusCode? enhanced, string? basic, bool delayed)
    {
        if (delayed)
        {
            return BounceType.Soft;
        }

        if (enhanced is { IsFailure: true } code)
        {
            return code.IsMailboxFull || code.Class == 4 ? BounceType.Soft : BounceType.Hard;
        }

        // No code at all: a failure report is permanent unless it says otherwise (genro's default).
        return basic is ['4', ..] ? BounceType.Soft : BounceType.Hard;
    }
}
