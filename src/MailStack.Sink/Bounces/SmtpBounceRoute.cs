using MailKit.Net.Smtp;
using MimeKit;

namespace MailStack.Sink.Bounces;

/// <summary>
/// Sends reports over SMTP with MailKit from the null sender (<c>MAIL FROM:&lt;&gt;</c>, RFC 5321 §4.5.5,
/// so a report that fails is never bounced again).
/// </summary>
public sealed class SmtpBounceRoute(SmtpBounceRouteOptions options) : MailServiceBounceRoute<SmtpClient>
{
    private static readonly MailboxAddress NullSender = new("", "");

    public override string Name => $"SMTP {options.Host}:{options.Port}";

    public override async Task DeliverAsync(MimeMessage report, string recipient, CancellationToken cancellationToken)
    {
        var client = await ConnectedAsync(options.Host!, options.Port, options.Security, options.AllowUntrustedCertificates,
            options.User, options.Password, cancellationToken);
        await client.SendAsync(report, NullSender, [MailboxAddress.TryParse(recipient, out var to) ? to : new MailboxAddress("", recipient)], cancellationToken);
    }
}
