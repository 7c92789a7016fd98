namespace MailStack.Proxy.Model;

/// <summary>POST /commands/suspend and /commands/activate.</summary>
public sealed record SuspendResult(string TenantId, string? BatchCode, IReadOnlyList<string> SuspendedBatches, long PendingMessages)
{
    public bool Ok => true;
}
