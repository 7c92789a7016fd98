namespace MailStack.Sink.Client;

/// <summary>One RCPT TO: the address, NOTIFY (e.g. "SUCCESS,FAILURE" or "NEVER") and ORCPT (e.g. "rfc822;a@example.test").</summary>
public sealed record EnvelopeRecipient(string Address, string? Notify, string? Orcpt);
