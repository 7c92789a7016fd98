using System.Text.Json.Serialization;

namespace MailStack.Tests.Proxy.Client;

/// <summary>
/// An add-messages item, the one message builder of the proxy tests: <c>OutgoingMessage.For(…)</c>
/// fills what every message needs, <c>with { … }</c> adds the rest. Names are on the properties so
/// any serializer settings write genro's wire.
/// </summary>
public sealed record OutgoingMessage
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("tenant_id")]
    public required string TenantId { get; init; }

    [JsonPropertyName("account_id")]
    public string AccountId { get; init; } = "main";

    [JsonPropertyName("from")]
    public string? From { get; init; } = "app@example.test";

    [JsonPropertyName("to")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? To { get; init; }

    [JsonPropertyName("cc")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Cc { get; init; }

    [JsonPropertyName("bcc")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Bcc { get; init; }

    [JsonPropertyName("reply_to")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReplyTo { get; init; }

    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; init; }

    [JsonPropertyName("body")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; init; }

    /// <summary>genro's <c>plain|html</c>: what <see cref="Body"/> is.</summary>
    [JsonPropertyName("content_type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentType { get; init; }

    /// <summary>MailStack's extension: a second, HTML part.</summary>
    [JsonPropertyName("html")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Html { get; init; }

    [JsonPropertyName("headers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, object>? Headers { get; init; }

    [JsonPropertyName("attachments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OutgoingAttachment>? Attachments { get; init; }

    [JsonPropertyName("priority")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Priority { get; init; }

    [JsonPropertyName("batch_code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BatchCode { get; init; }

    [JsonPropertyName("deferred_ts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DeferredTs { get; init; }

    /// <summary>A plain-text message from app@example.test through account "main"; the subject is the id unless given.</summary>
    public static OutgoingMessage For(string tenantId, string id, string to, string? subject = null, string? body = null) =>
        new() { Id = id, TenantId = tenantId, To = to, Subject = subject ?? id, Body = body };
}
