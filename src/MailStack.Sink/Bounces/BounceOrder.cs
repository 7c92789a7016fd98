using MailStack.Sink.Client;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Bounces;

/// <summary>
/// A bounce the chaos engine ordered during a transaction: for <paramref name="Recipient"/> (or every
/// recipient when null), report <paramref name="Bounce"/> after <paramref name="Delay"/>.
/// </summary>
public sealed record BounceOrder(string? Recipient, ChaosBounce Bounce, TimeSpan Delay)
{
    /// <summary>The notification kind a recipient's NOTIFY must ask for (RFC 3461 §4.1).</summary>
    public DsnNotify Notify => Bounce.Type == BounceType.Delayed ? DsnNotify.Delay : DsnNotify.Failure;

    /// <summary>The report's fields for one recipient: given status and diagnostic, else the type's defaults.</summary>
    public RecipientStatus StatusFor(RecipientDsn recipient)
    {
        var status = Bounce.Status ?? Bounce.Type switch
        {
            BounceType.Soft => "4.2.2",
            BounceType.Delayed => "4.4.1",
            _ => "5.1.1",
        };
        return new RecipientStatus(recipient.Address, Bounce.Type == BounceType.Delayed ? DsnAction.Delayed : DsnAction.Failed, status)
        {
            OriginalRecipient = recipient.OriginalRecipient,
            DiagnosticCode = Bounce.Diagnostic ?? BounceDiagnostics.DiagnosticCode(recipient.Address, status),
        };
    }
}
