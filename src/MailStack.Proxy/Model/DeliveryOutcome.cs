namespace MailStack.Proxy.Model;

/// <summary>
/// What happened to one claimed message: its new status (sent, deferred or error) and the event to
/// report; <see cref="Warnings"/> go to its history before that event (a large attachment sent anyway, say).
/// </summary>
public sealed record DeliveryOutcome(ClaimedMessage Message, MessageStatus Status, string Description, string? Error, long Ts, long? DeferredTs, int RetryCount)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
