namespace MailStack.Tests.Proxy.Client;

/// <summary>The answer to <c>POST /commands/add-messages</c>.</summary>
public sealed record AddMessagesResult(bool Ok, int Queued, IReadOnlyList<RejectedMessage> Rejected);
