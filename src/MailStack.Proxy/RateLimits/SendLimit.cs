namespace MailStack.Proxy.RateLimits;

/// <summary>At most <paramref name="PerWindow"/> sends in each <paramref name="Window"/>.</summary>
public sealed record SendLimit(RateWindow Window, int PerWindow)
{
    /// <summary>The reason a deferred message carries: <c>rate limit: 10 per minute</c>.</summary>
    public string Reason => $"rate limit: {PerWindow} per {Window.Name}";
}
