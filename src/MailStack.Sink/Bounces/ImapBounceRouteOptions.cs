using MailKit.Security;

namespace MailStack.Sink.Bounces;

/// <summary>Reports appended to an IMAP mailbox (<c>Sink:Bounce:Imap</c>), e.g. Dovecot's bounce mailbox.</summary>
public sealed class ImapBounceRouteOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 143;

    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    public string Folder { get; set; } = "INBOX";

    /// <summary><c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c>, <c>SslOnConnect</c> or <c>Auto</c>.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    /// <summary>Accept a self-signed server certificate (local servers).</summary>
    public bool AllowUntrustedCertificates { get; set; }
}
