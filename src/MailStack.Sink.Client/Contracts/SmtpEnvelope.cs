namespace MailStack.Sink.Client;

/// <summary>
/// The SMTP envelope of a message (ext): MAIL FROM with its RFC 3461 (DSN) parameters RET and ENVID,
/// and each RCPT TO with NOTIFY and ORCPT. Parameters the client did not send are null; ENVID and
/// ORCPT are shown xtext-decoded.
/// </summary>
public sealed record SmtpEnvelope(string From, string? Ret, string? EnvId, IReadOnlyList<EnvelopeRecipient> Recipients);
