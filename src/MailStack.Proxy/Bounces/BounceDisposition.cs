namespace MailStack.Proxy.Bounces;

/// <summary>Where a report goes once handled.</summary>
public enum BounceDisposition
{
    /// <summary>Tied to its message: to the Processed folder (or deleted).</summary>
    Processed,

    /// <summary>Not a bounce, unreadable, or tied to no message: to the Unrecognized folder, counted.</summary>
    Unrecognized,

    /// <summary>Its message is still being sent: left in the inbox and looked at again shortly.</summary>
    Held,
}
