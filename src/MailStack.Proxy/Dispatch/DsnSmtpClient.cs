using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// MailKit's <see cref="SmtpClient"/> asking for delivery status notifications (RFC 3461) when the
/// server offers DSN: <c>ENVID</c> with MAIL FROM (the message's key, so a report names it) and
/// <c>NOTIFY=FAILURE,DELAY</c> with every RCPT TO. Without DSN on the server MailKit sends neither.
/// One send at a time, as any MailKit client.
/// </summary>
public sealed class DsnSmtpClient : SmtpClient
{
    private string? _envelopeId;

    /// <param name="envelopeId">The ENVID (see <c>BounceEnvelopeId</c>); none is sent when null.</param>
    public async Task<string> SendAsync(MimeMessage message, MailboxAddress sender, IEnumerable<MailboxAddress> recipients, string? envelopeId, CancellationToken cancellationToken)
    {
        _envelopeId = envelopeId;
        try
        {
            return await SendAsync(message, sender, recipients, cancellationToken);
        }
        finally
        {
            _envelopeId = null;
        }
    }

    protected override string? GetEnvelopeId(MimeMessage message) => _envelopeId;

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
        DeliveryStatusNotification.Failure | DeliveryStatusNotification.Delay;
}
