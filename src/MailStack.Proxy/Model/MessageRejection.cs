namespace MailStack.Proxy.Model;

/// <summary>One add-messages item not queued, and why (<c>missing subject</c>, <c>invalid to: …</c>, <c>already sent</c>, …).</summary>
public sealed record MessageRejection(string? Id, string Reason)
{
    public const string AlreadySent = "already sent";
    public const string DuplicateInBatch = "duplicate id in batch";
    public const string AccountNotFound = "account not found for tenant";
}
