using System.Text.Json;
using MailStack.Proxy.Bounces.Parsing;

namespace MailStack.Proxy.Model;

/// <summary>A message as GET /messages lists it; <see cref="Message"/> is the item as it was enqueued.</summary>
public sealed record MessageRecord(
    long Pk,
    string Id,
    string TenantId,
    string AccountId,
    int Priority,
    string? BatchCode,
    MessageStatus Status,
    long? DeferredTs,
    long? SentTs,
    long? ErrorTs,
    string? Error,
    int RetryCount,
    long CreatedAt,
    long UpdatedAt,
    JsonElement Message)
{
    public BounceType? BounceType { get; init; }

    public string? BounceCode { get; init; }

    public string? BounceReason { get; init; }

    public long? BounceTs { get; init; }

    public IReadOnlyList<MessageEvent>? History { get; init; }
}
