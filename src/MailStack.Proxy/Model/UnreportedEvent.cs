namespace MailStack.Proxy.Model;

/// <summary>An outcome event not yet acknowledged by the tenant.</summary>
public sealed record UnreportedEvent(long EventId, string MessageId, MessageStatus Type, long Ts, string? Description)
{
    /// <summary>The delivery-report item for this event.</summary>
    public DeliveryReportItem ToReportItem() => Type switch
    {
        MessageStatus.Sent => new DeliveryReportItem(MessageId) { SentTs = Ts },
        MessageStatus.Error => new DeliveryReportItem(MessageId) { ErrorTs = Ts, Error = Description },
        MessageStatus.Deferred => new DeliveryReportItem(MessageId) { DeferredTs = Ts, DeferredReason = Description },
        _ => new DeliveryReportItem(MessageId) { BounceTs = Ts, BounceReason = Description },
    };
}
