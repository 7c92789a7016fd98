using MailStack.Proxy.Bounces.Parsing;

namespace MailStack.Proxy.Model;

/// <summary>An outcome event not yet acknowledged by the tenant; a bounce carries its type and code.</summary>
public sealed record UnreportedEvent(long EventId, string MessageId, MessageStatus Type, long Ts, string? Description)
{
    public BounceType? BounceType { get; init; }

    public string? BounceCode { get; init; }

    /// <summary>The delivery-report item for this event.</summary>
    public DeliveryReportItem ToReportItem() => Type switch
    {
        MessageStatus.Sent => new DeliveryReportItem(MessageId) { SentTs = Ts },
        MessageStatus.Error => new DeliveryReportItem(MessageId) { ErrorTs = Ts, Error = Description },
        MessageStatus.Deferred => new DeliveryReportItem(MessageId) { DeferredTs = Ts, DeferredReason = Description },
        _ => new DeliveryReportItem(MessageId) { BounceTs = Ts, BounceType = BounceType?.ToWire(), BounceCode = BounceCode, BounceReason = Description },
    };
}
