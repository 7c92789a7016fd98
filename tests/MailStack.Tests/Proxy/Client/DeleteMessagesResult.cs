namespace MailStack.Tests.Proxy.Client;

/// <summary>The answer to delete-messages.</summary>
public sealed record DeleteMessagesResult(int Removed, IReadOnlyList<string> NotFound);
