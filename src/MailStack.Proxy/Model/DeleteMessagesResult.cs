namespace MailStack.Proxy.Model;

/// <summary>How many messages were deleted and which ids the tenant did not have.</summary>
public sealed record DeleteMessagesResult(int Removed, IReadOnlyList<string> NotFound)
{
    public bool Ok => true;
}
