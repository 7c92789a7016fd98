using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace MailStack.Sink.Bounces;

/// <summary>Appends reports to an IMAP folder (e.g. Dovecot's bounce mailbox) with MailKit.</summary>
public sealed class ImapBounceRoute(ImapBounceRouteOptions options) : MailServiceBounceRoute<ImapClient>
{
    public override string Name => $"IMAP {options.Host}:{options.Port}/{options.Folder}";

    public override async Task DeliverAsync(MimeMessage report, string recipient, CancellationToken cancellationToken)
    {
        var client = await ConnectedAsync(options.Host!, options.Port, options.Security, options.AllowUntrustedCertificates,
            options.User, options.Password, cancellationToken);
        var folder = await client.GetFolderAsync(options.Folder, cancellationToken);
        await folder.AppendAsync(new AppendRequest(report, MessageFlags.None), cancellationToken);
    }
}
