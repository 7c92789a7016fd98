using MailStack.Proxy.Model;
using MailStack.Proxy.RateLimits;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Dispatch;

/// <summary>Turns what happened to a claimed message into its outcome: sent, error, or deferred with backoff until the retries run out.</summary>
public sealed class OutcomeFactory(IOptions<DispatchOptions> options, TimeProvider time)
{
    /// <summary>The error of a message an account with <c>limit_behavior: reject</c> had no room for (genro-mail-proxy's text).</summary>
    public const string RateLimitExceeded = "rate_limit_exceeded";

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

    /// <summary>Held back by a rate limit: deferred to the window's end (not a retry), or the error <c>rate_limit_exceeded</c> when the account rejects.</summary>
    public DeliveryOutcome RateLimited(ClaimedMessage message, RateLimitHit hit, LimitBehavior behavior) => behavior == LimitBehavior.Reject
        ? Error(message, RateLimitExceeded)
        : new(message, MessageStatus.Deferred, hit.Reason, null, Now, hit.Until, message.RetryCount);

    public DeliveryOutcome Failed(ClaimedMessage message, SmtpFailure failure) =>
        failure.Permanent ? Error(message, failure.Reason) : Deferred(message, failure.Reason);
}
