namespace MailStack.Proxy.Model;

/// <summary>What happened to one claimed message: its new status (sent, deferred or error) and the event to report.</summary>
public sealed record DeliveryOutcome(ClaimedMessage Message, MessageStatus Status, string Description, string? Error, long Ts, long? DeferredTs, int RetryCount);
