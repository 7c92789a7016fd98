namespace MailStack.Sink.Client;

/// <summary>ext: one envelope recipient's mailbox as <c>GET /api/v1/mailboxes</c> lists it.</summary>
public sealed record MailboxSummary(string Address, int Total, int Unread);
