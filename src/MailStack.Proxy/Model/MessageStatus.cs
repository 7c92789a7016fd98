namespace MailStack.Proxy.Model;

/// <summary>
/// A message's place in its life: pending → sending → sent | deferred (→ sending again) | error;
/// a sent message may later be bounced. Written to the database and the wire by <see cref="MessageStatuses"/>.
/// </summary>
public enum MessageStatus
{
    Pending,
    Deferred,
    Sending,
    Sent,
    Error,
    Bounced,
}
