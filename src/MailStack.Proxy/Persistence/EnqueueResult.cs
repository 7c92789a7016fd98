namespace MailStack.Proxy.Persistence;

/// <summary>
/// The outcome of <see cref="MessageQueue.EnqueueAsync"/>, by (tenant, id): the messages stored, and
/// those refused because their tenant has no such account. The others were already processed.
/// </summary>
public sealed record EnqueueResult(HashSet<(string TenantId, string Id)> Stored, HashSet<(string TenantId, string Id)> WithoutAccount);
