using System.Text.Json;

namespace MailStack.Proxy.Model;

/// <summary>
/// A rejected add-messages item that names its id and tenant: recorded as an <c>error</c> message
/// with the rejection as its error and reported to the tenant, as genro v0.6.9 does.
/// </summary>
public sealed record RefusedMessage(string TenantId, string Id, string AccountId, MessagePriority Priority, string? BatchCode, JsonElement Payload, string Reason);
