using System.Text.Json;

namespace MailStack.Proxy.Model;

/// <summary>A message this replica claimed for sending, with the item as enqueued and the trace it was accepted in.</summary>
public sealed record ClaimedMessage(long Pk, string TenantId, string Id, string AccountId, JsonElement Payload, int RetryCount, int Priority, string? TraceParent);
