namespace MailStack.Sink.Storage;

/// <summary>RFC 3461 <c>NOTIFY</c>: which delivery status notifications a recipient's sender wants.</summary>
[Flags]
public enum DsnNotify
{
    None = 0,
    Success = 1,
    Failure = 2,
    Delay = 4,

    /// <summary>No notification at all; never combined with the others.</summary>
    Never = 8,
}
