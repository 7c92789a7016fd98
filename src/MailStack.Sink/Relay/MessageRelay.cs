using MailKit.Net.Smtp;
using MailKit.Security;
using MailStack.Sink.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MailStack.Sink.Relay;

/// <summary>Sends a message to the configured release server (<see cref="ReleaseOptions"/>) over SMTP with MailKit.</summary>
public sealed class MessageRelay(IOptions<MailSinkOptions> options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public ReleaseOptions Options => options.Value.Release;

    /// <exception cref="InvalidOperationException">No release server is configured.</exception>
    /// <exception cref="SmtpCommandException">The server refused the message.</exception>
    /// <exception cref="SmtpProtocolException">The conversation broke down.</exception>
    /// <exception cref="IOException">The server could not be reached or went away.</exception>
    public async Task SendAsync(MimeMessage message, string from, IReadOnlyList<string> to, CancellationToken cancellationToken)
    {
        var release = Options;
        if (string.IsNullOrWhiteSpace(release.Host))
        {
            throw new InvalidOperationException("message release is not configured (set Sink:Release:Host and Sink:Release:Port)");
        }

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };

        // Another local sink has a self-signed certificate: allowed when configured, validated otherwise.
        client.ServerCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || release.AllowUntrustedCertificates;

        var security = release.Tls.ToLowerInvariant() switch
        {
            "tls" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(release.Host, release.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(release.Username))
        {
            await client.AuthenticateAsync(release.Username, release.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, MailboxAddress.Parse(from), to.Select(MailboxAddress.Parse), cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
