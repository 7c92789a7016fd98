namespace MailStack.Proxy.Model;

/// <summary>One item of a delivery report: <c>{id, sent_ts}</c> | <c>{id, error_ts, error}</c> | <c>{id, deferred_ts, deferred_reason}</c> | <c>{id, bounce_ts, bounce_type, bounce_code, bounce_reason}</c>.</summary>
public sealed record DeliveryReportItem(string Id)
{
    public long? SentTs { get; init; }

    public long? ErrorTs { get; init; }

    public string? Error { get; init; }

    public long? DeferredTs { get; init; }

    public string? DeferredReason { get; init; }

    public long? BounceTs { get; init; }

    public string? BounceType { get; init; }

    public string? BounceCode { get; init; }

    public string? BounceReason { get; init; }
}
