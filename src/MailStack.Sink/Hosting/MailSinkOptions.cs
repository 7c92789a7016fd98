using MailStack.Sink.Client;
using MailStack.Sink.Bounces;
using MailStack.Sink.Chaos;

namespace MailStack.Sink.Hosting;

/// <summary>Everything a sink can be configured with; bound from the <c>Sink</c> configuration section.</summary>
public sealed class MailSinkOptions
{
    public const string SectionName = "Sink";

    public SmtpOptions Smtp { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    /// <summary>The IMAP side: every recipient's mailbox for mail clients.</summary>
    public ImapOptions Imap { get; set; } = new();

    public StoreOptions Store { get; set; } = new();

    /// <summary>The SMTP server a message is released to.</summary>
    public ReleaseOptions Release { get; set; } = new();

    public LinkCheckOptions LinkCheck { get; set; } = new();

    /// <summary>Fault injection active from start-up (the API can change it later).</summary>
    public ChaosSettings Chaos { get; set; } = new();

    /// <summary>Where the reports of the chaos action <c>bounce</c> go.</summary>
    public BounceOptions Bounce { get; set; } = new();

    /// <summary>How long a stop may take before open sessions are aborted.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class SmtpOptions
{
    /// <summary>Plain/STARTTLS listener; 0 picks a free port.</summary>
    public int Port { get; set; } = 1025;

    /// <summary>Implicit-TLS (SMTPS) listener; null disables it, 0 picks a free port.</summary>
    public int? TlsPort { get; set; }

    /// <summary>Address to listen on; loopback by default.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    public string HostName { get; set; } = "mailstack-sink";

    /// <summary>Messages larger than this are refused with 552 while they stream in.</summary>
    public long MaxMessageSize { get; set; } = 25 * 1024 * 1024;

    public int MaxRecipients { get; set; } = 100;

    /// <summary>When set, a recipient that does not match is refused with 550 5.1.0.</summary>
    public string? AllowedRecipientPattern { get; set; }

    public bool RequireTls { get; set; }

    public bool RequireAuth { get; set; }

    /// <summary>When true, AUTH is offered; when <see cref="Users"/> is empty any credentials are accepted.</summary>
    public bool EnableAuth { get; set; } = true;

    /// <summary>user → password. Empty: any credentials are accepted.</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Offer STARTTLS (and serve the TLS port) with <see cref="CertificatePath"/> or a generated self-signed certificate.</summary>
    public bool EnableTls { get; set; } = true;

    /// <summary>PFX file; null generates a self-signed certificate at start.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>A session idle this long between commands is closed with 421.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A DATA transfer that stalls this long is aborted with 421.</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Longest command line accepted (RFC 5321 requires 512; AUTH lines are longer).</summary>
    public int MaxCommandLineLength { get; set; } = 4096;
}

public sealed class HttpOptions
{
    /// <summary>HTTP API port when no <c>urls</c> are configured; 0 picks a free port.</summary>
    public int Port { get; set; } = 8025;
}

public sealed class StoreOptions
{
    /// <summary>Oldest messages are pruned beyond this count; 0 keeps everything.</summary>
    public int MaxMessages { get; set; } = 10_000;

    /// <summary>Messages older than this are pruned; null keeps them.</summary>
    public TimeSpan? MaxAge { get; set; }
}
