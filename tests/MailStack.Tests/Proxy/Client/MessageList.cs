namespace MailStack.Tests.Proxy.Client;

/// <summary>A page of <c>GET /messages</c>.</summary>
public sealed record MessageList(IReadOnlyList<MessageRecord> Messages, long? NextCursor);
