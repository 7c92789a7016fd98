namespace MailStack.Proxy.Bounces;

/// <summary>The bounce receiver's own timing and limits (<c>Proxy:Bounce</c>); where it reads is on <c>/instance</c>.</summary>
public sealed class BounceReceiverOptions
{
    /// <summary>How often a replica without the receiver's lock tries to take it (the holder may have died).</summary>
    public TimeSpan LockRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait after the mailbox could not be reached; doubled after each further failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a report whose message is still being sent is looked at again.</summary>
    public TimeSpan HeldRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A report larger than this is not downloaded: it goes to the Unrecognized folder.</summary>
    public long MaxReportBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>IMAP command timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Accept a self-signed certificate of the IMAP server (local servers).</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>Where reports tied to a message go (unless the instance deletes them).</summary>
    public string ProcessedFolder { get; set; } = "Processed";

    /// <summary>Where everything else goes: not a bounce, unreadable, or tied to no message.</summary>
    public string UnrecognizedFolder { get; set; } = "Unrecognized";

    /// <summary>Instance settings applied at start while no admin has changed them through the API (the stack points the proxy at its bounce mailbox this way).</summary>
    public BounceSeedOptions Seed { get; set; } = new();
}
