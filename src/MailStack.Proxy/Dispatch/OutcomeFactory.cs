using MailStack.Proxy.Model;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Dispatch;

/// <summary>Turns what happened to a claimed message into its outcome: sent, error, or deferred with backoff until the retries run out.</summary>
public sealed class OutcomeFactory(IOptions<DispatchOptions> options, TimeProvider time)
{
    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    public DeliveryOutcome Sent(ClaimedMessage message) => new(message, MessageStatus.Sent, "sent", null, Now, null, message.RetryCount);

    public DeliveryOutcome Error(ClaimedMessage message, string error) => new(message, MessageStatus.Error, error, error, Now, null, message.RetryCount);

    /// <summary>Retry after the backoff for the next attempt; past <see cref="DispatchOptions.MaxRetries"/> it is an error.</summary>
    public DeliveryOutcome Deferred(ClaimedMessage message, string reason)
    {
        var retry = message.RetryCount + 1;
        if (retry > options.Value.MaxRetries)
        {
            return Error(message, $"Max retries ({options.Value.MaxRetries}) exceeded: {reason}");
        }

        var until = time.GetUtcNow().Add(options.Value.BackoffFor(retry)).ToUnixTimeSeconds();
        return new(message, MessageStatus.Deferred, reason, reason, Now, until, retry);
    }

    public DeliveryOutcome Failed(ClaimedMessage message, SmtpFailure failure) =>
        failure.Permanent ? Error(message, failure.Reason) : Deferred(message, failure.Reason);
}
