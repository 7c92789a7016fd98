namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// How final a bounce is (RFC 3463 class): <see cref="Hard"/> for a permanent failure (5.x.x),
/// <see cref="Soft"/> for a transient one (4.x.x, a delay, a full mailbox). On the wire as genro's
/// <c>bounce_type</c> through <see cref="BounceTypes"/>.
/// </summary>
public enum BounceType
{
    Soft,
    Hard,
}
