namespace MailStack.Tests.Proxy.Client;

/// <summary>One entry of a message's history.</summary>
public sealed record MessageEvent(string EventType, long EventTs, string? Description, long? ReportedTs);
