using MailKit.Security;

namespace MailStack.Sink.Bounces;

/// <summary>Reports sent over SMTP (<c>Sink:Bounce:Smtp</c>) with the null sender <c>MAIL FROM:&lt;&gt;</c>.</summary>
public sealed class SmtpBounceRouteOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>AUTH user; none when empty.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary><c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c>, <c>SslOnConnect</c> or <c>Auto</c>.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    /// <summary>Accept a self-signed server certificate (local servers).</summary>
    public bool AllowUntrustedCertificates { get; set; }
}
