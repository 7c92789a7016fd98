namespace MailStack.Proxy.RateLimits;

/// <summary>Why a message may not go now, and the earliest time it may: the end of the longest full window holding it back.</summary>
public sealed record RateLimitHit(SendLimit Limit, long Until)
{
    public string Reason => Limit.Reason;
}
