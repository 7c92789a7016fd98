namespace MailStack.Proxy.Model;

/// <summary>DELETE /messages and POST /commands/delete-messages.</summary>
public sealed record DeleteMessagesRequest(IReadOnlyList<string>? Ids);
