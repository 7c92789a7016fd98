namespace MailStack.Sink.Bounces;

/// <summary>RFC 3464 §2.3.3 <c>Action</c>: what happened to a recipient.</summary>
public enum DsnAction
{
    Failed,
    Delayed,
    Delivered,
    Relayed,
    Expanded,
}
