namespace MailStack.Sink.Hosting;

/// <summary>How <c>…/link-check</c> probes links; bound from <c>Sink:LinkCheck</c>.</summary>
public sealed class LinkCheckOptions
{
    /// <summary>
    /// Probe loopback and private addresses too. Off by default, as Mailpit's
    /// <c>--allow-internal-http-requests</c>: such links are reported as 451 "Blocked private/reserved address".
    /// </summary>
    public bool AllowInternalRequests { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
