namespace MailStack.Sink.Storage;

/// <summary>The DSN parameters of one RCPT TO; null where the client sent none.</summary>
/// <param name="OriginalRecipient">ORCPT, xtext-decoded: <c>addr-type;address</c> (e.g. <c>rfc822;a@example.test</c>).</param>
public sealed record RecipientDsn(string Address, DsnNotify? Notify, string? OriginalRecipient)
{
    /// <summary>
    /// Whether a report of this kind may be sent (RFC 3461 §4.1: without NOTIFY, failures and delays
    /// are reported; NEVER reports nothing).
    /// </summary>
    public bool Wants(DsnNotify kind) => Notify is { } notify ? notify.HasFlag(kind) : kind is DsnNotify.Failure or DsnNotify.Delay;

    /// <summary>The keywords as the client wrote them (normalised to upper case), e.g. "SUCCESS,FAILURE".</summary>
    public string? NotifyText => Notify switch
    {
        null => null,
        DsnNotify.Never => "NEVER",
        { } flags => string.Join(',', new[] { DsnNotify.Success, DsnNotify.Failure, DsnNotify.Delay }
            .Where(f => flags.HasFlag(f)).Select(f => f.ToString().ToUpperInvariant())),
    };
}
