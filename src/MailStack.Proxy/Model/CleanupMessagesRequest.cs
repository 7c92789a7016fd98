namespace MailStack.Proxy.Model;

/// <summary>POST /commands/cleanup-messages: <c>older_than_seconds</c> replaces the tenant's retention for this run (negative counts as 0).</summary>
public sealed record CleanupMessagesRequest(long? OlderThanSeconds);
