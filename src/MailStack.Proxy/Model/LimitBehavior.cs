namespace MailStack.Proxy.Model;

/// <summary>What a send over an account's rate limit does: wait for the next window, or fail <c>rate_limit_exceeded</c>.</summary>
public enum LimitBehavior
{
    Defer,
    Reject,
}
