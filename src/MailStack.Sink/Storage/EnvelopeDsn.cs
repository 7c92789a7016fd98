namespace MailStack.Sink.Storage;

/// <summary>
/// The RFC 3461 (DSN) parameters of a transaction: RET and ENVID from MAIL FROM, NOTIFY and ORCPT
/// per recipient (in RCPT order).
/// </summary>
/// <param name="EnvelopeId">ENVID, xtext-decoded.</param>
public sealed record EnvelopeDsn(DsnReturn? Return, string? EnvelopeId, IReadOnlyList<RecipientDsn> Recipients)
{
    public static readonly EnvelopeDsn None = new(null, null, []);

    /// <summary>The parameters given for <paramref name="address"/>, or none.</summary>
    public RecipientDsn For(string address) =>
        Recipients.FirstOrDefault(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase))
        ?? new RecipientDsn(address, null, null);
}
