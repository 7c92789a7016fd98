namespace MailStack.Sink.Bounces;

/// <summary>The per-recipient fields of a delivery status notification (RFC 3464 §2.3).</summary>
/// <param name="FinalRecipient">The address delivery was attempted to (<c>Final-Recipient: rfc822; …</c>).</param>
/// <param name="Status">RFC 3463 code, e.g. "5.1.1".</param>
public sealed record RecipientStatus(string FinalRecipient, DsnAction Action, string Status)
{
    /// <summary><c>Original-Recipient</c>: the ORCPT as given, <c>addr-type;address</c>; omitted when null.</summary>
    public string? OriginalRecipient { get; init; }

    /// <summary><c>Diagnostic-Code</c>, e.g. "smtp; 550 5.1.1 user unknown"; omitted when null.</summary>
    public string? DiagnosticCode { get; init; }
}
