namespace MailStack.Sink.Hosting;

/// <summary>The IMAP listener (section <c>Sink:Imap</c>); TLS uses the SMTP side's certificate.</summary>
public sealed class ImapOptions
{
    /// <summary>Plain/STARTTLS listener; 0 picks a free port, null turns IMAP off.</summary>
    public int? Port { get; set; } = 1143;

    /// <summary>Implicit-TLS (IMAPS) listener; null disables it, 0 picks a free port.</summary>
    public int? TlsPort { get; set; }

    /// <summary>Refuse LOGIN/AUTHENTICATE before STARTTLS (advertises LOGINDISABLED).</summary>
    public bool RequireTls { get; set; }

    /// <summary>address → password. Empty: any password logs in as any address.</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A login name whose INBOX holds every message of the sink (null: none).</summary>
    public string? CatchAllUser { get; set; }

    /// <summary>A session silent this long (IDLE included) is logged out (RFC 3501 asks for at least 30 minutes).</summary>
    public TimeSpan AutoLogoutTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Largest literal (an APPENDed message) accepted; larger ones are refused with [TOOBIG].</summary>
    public long MaxLiteralSize { get; set; } = 25 * 1024 * 1024;

    /// <summary>Longest command line (without literals).</summary>
    public int MaxCommandLineLength { get; set; } = 64 * 1024;
}
