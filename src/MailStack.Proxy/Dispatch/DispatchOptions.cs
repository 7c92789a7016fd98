namespace MailStack.Proxy.Dispatch;

/// <summary>Dispatch and reporting timing; bound from <c>Proxy:Dispatch</c>. Tests use short intervals.</summary>
public sealed class DispatchOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Shortest pause after a cycle that found nothing to send, however often dispatch is woken.</summary>
    public TimeSpan MinClaimInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a claimed message belongs to one replica before another may retry it.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages claimed per cycle (over all tenants).</summary>
    public int BatchSize { get; set; } = 400;

    public int MaxRetries { get; set; } = 5;

    /// <summary>SMTP connections one replica opens at once to one account.</summary>
    public int ConnectionsPerAccount { get; set; } = 8;

    /// <summary>SMTP connections one replica opens at once over all accounts.</summary>
    public int MaxConnections { get; set; } = 32;

    /// <summary>A pooled connection unused this long is closed.</summary>
    public TimeSpan IdleConnectionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Outcomes written per statement. A message is sent twice only if the process dies between
    /// its 250 and this write, so the batch stays small.
    /// </summary>
    public int OutcomeBatchSize { get; set; } = 20;

    private static readonly TimeSpan[] DefaultBackoff = [TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(900), TimeSpan.FromSeconds(3600), TimeSpan.FromSeconds(7200)];

    /// <summary>
    /// Delay before retry N (the last one repeats); empty means 60, 300, 900, 3600, 7200 s. Not
    /// pre-filled, because the configuration binder appends to an array instead of replacing it.
    /// </summary>
    public TimeSpan[] Backoff { get; set; } = [];

    public TimeSpan BackoffFor(int retry)
    {
        var steps = Backoff.Length > 0 ? Backoff : DefaultBackoff;
        return steps[Math.Clamp(retry - 1, 0, steps.Length - 1)];
    }

    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On shutdown, how long sends already in flight may take before they are cut off (and their messages retried).</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Accept self-signed SMTP server certificates (the stack's sinks use them).</summary>
    public bool AllowUntrustedCertificates { get; set; }

    public string TrackingHeader { get; set; } = "X-MailStack-ID";

    /// <summary>
    /// How long an enqueued message rests before it may be dispatched. 0 (default): at once, woken by
    /// add-messages. genro sends at its next poll instead; a delay lets suites that suspend right
    /// after adding (genro's do) run deterministically.
    /// </summary>
    public TimeSpan DispatchDelayAfterEnqueue { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Tenants one replica reports to at once. Each tenant's reports run on their own, so a slow or
    /// unreachable tenant takes one of these and never delays another's.
    /// </summary>
    public int MaxConcurrentReports { get; set; } = 8;

    /// <summary>Heartbeat / report interval per tenant.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(300);
}
