namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>What <see cref="BounceParser"/> read from one message of the bounce mailbox.</summary>
/// <param name="IsBounce">
/// Whether at least one recipient failed or is delayed: false for any other mail, and for a report
/// only of <c>delivered</c> / <c>relayed</c> / <c>expanded</c> recipients.
/// </param>
/// <param name="Correlation">Which message the report is about, as far as it says (filled for non-bounces too).</param>
/// <param name="Recipients">One entry per failed or delayed recipient; empty when <paramref name="IsBounce"/> is false.</param>
public sealed record BounceParseResult(bool IsBounce, BounceCorrelation Correlation, IReadOnlyList<RecipientBounce> Recipients)
{
    public static BounceParseResult NotABounce(BounceCorrelation correlation) => new(false, correlation, []);
}
