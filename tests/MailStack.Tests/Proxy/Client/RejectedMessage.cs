namespace MailStack.Tests.Proxy.Client;

/// <summary>An add-messages item that was not queued, and why.</summary>
public sealed record RejectedMessage(string? Id, string Reason);
