namespace MailStack.Proxy.Model;

/// <summary>add-messages accepted (some items may be rejected, or all of them as already sent).</summary>
public sealed record AddMessagesResult(int Queued, IReadOnlyList<MessageRejection> Rejected)
{
    public bool Ok => true;
}
