using System.Text.Json;

namespace MailStack.Proxy.Model;

/// <summary>One entry of a message's history (<c>include_history</c>).</summary>
public sealed record MessageEvent(MessageEventType EventType, long EventTs, string? Description, JsonElement? Metadata, long? ReportedTs);
