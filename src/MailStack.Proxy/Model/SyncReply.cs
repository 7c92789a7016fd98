namespace MailStack.Proxy.Model;

/// <summary>A tenant's answer to a report: <c>queued</c> &gt; 0 asks for the next one at once, <c>next_sync_after</c> for quiet until then.</summary>
public sealed record SyncReply(bool? Ok, int? Queued, long? NextSyncAfter);
