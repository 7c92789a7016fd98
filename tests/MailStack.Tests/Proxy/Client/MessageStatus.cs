namespace MailStack.Tests.Proxy.Client;

/// <summary>A message's status as <c>/messages</c> reports it.</summary>
public enum MessageStatus
{
    Pending,
    Deferred,
    Sending,
    Sent,
    Error,
    Bounced,
}
