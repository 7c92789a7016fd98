namespace MailStack.Proxy.Model;

/// <summary>An entry of a message's history: a status it reached, or a warning (never reported to the tenant).</summary>
public enum MessageEventType
{
    Pending,
    Deferred,
    Sending,
    Sent,
    Error,
    Bounced,
    Warning,
}
