using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Telemetry;

namespace MailStack.Proxy.Dispatch;

/// <summary>Records a batch of outcomes (<see cref="MessageQueue.RecordOutcomesAsync"/>), counts them and logs the failures.</summary>
public sealed class DeliveryOutcomes(MessageQueue queue, ProxyMetrics metrics, ILogger<DeliveryOutcomes> logger)
{
    public async Task RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        await queue.RecordOutcomesAsync(outcomes, cancellationToken);
        foreach (var outcome in outcomes)
        {
            metrics.Record(outcome.Status, outcome.Message.TenantId, outcome.Message.AccountId);
            // Failures at Information; each send only at Debug (a thousand a second would drown the log).
            logger.Log(outcome.Status == MessageStatus.Sent ? LogLevel.Debug : LogLevel.Information, "Message {TenantId}/{MessageId} {Status}: {Description}",
                outcome.Message.TenantId, outcome.Message.Id, outcome.Status.ToDb(), outcome.Description);
        }
    }
}
