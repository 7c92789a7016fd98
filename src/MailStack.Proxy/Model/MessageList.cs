namespace MailStack.Proxy.Model;

/// <summary>GET /messages; <see cref="NextCursor"/> is set when a limited page has more after it.</summary>
public sealed record MessageList(IReadOnlyList<MessageRecord> Messages, long? NextCursor)
{
    public bool Ok => true;
}
