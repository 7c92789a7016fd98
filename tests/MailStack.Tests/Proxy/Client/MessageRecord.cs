namespace MailStack.Tests.Proxy.Client;

/// <summary>A message as <c>GET /messages</c> lists it; <see cref="History"/> with <c>include_history=true</c>.</summary>
public sealed record MessageRecord
{
    public required string Id { get; init; }

    public string? TenantId { get; init; }

    public string? AccountId { get; init; }

    public int Priority { get; init; }

    public string? BatchCode { get; init; }

    public MessageStatus Status { get; init; }

    public long? DeferredTs { get; init; }

    public long? SentTs { get; init; }

    public long? ErrorTs { get; init; }

    public string? Error { get; init; }

    public int RetryCount { get; init; }

    public long? ReportedTs { get; init; }

    /// <summary><c>hard</c> or <c>soft</c> once the message bounced.</summary>
    public string? BounceType { get; init; }

    public string? BounceCode { get; init; }

    public string? BounceReason { get; init; }

    public long? BounceTs { get; init; }

    /// <summary>The payload as it was enqueued.</summary>
    public OutgoingMessage? Message { get; init; }

    public IReadOnlyList<MessageEvent>? History { get; init; }
}
