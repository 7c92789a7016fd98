namespace MailStack.Tests.Proxy.Client;

/// <summary>The answer to suspend and activate.</summary>
public sealed record SuspensionState(bool Ok, string TenantId, string? BatchCode, IReadOnlyList<string> SuspendedBatches, long PendingMessages);
