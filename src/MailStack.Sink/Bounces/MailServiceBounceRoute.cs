using MailKit;
using MailKit.Security;
using MimeKit;

namespace MailStack.Sink.Bounces;

/// <summary>
/// A route over a MailKit client (IMAP or SMTP): connects and logs in on first use, keeps the
/// connection while reports keep coming, and drops it when idle or broken.
/// </summary>
public abstract class MailServiceBounceRoute<TClient> : IBounceRoute
    where TClient : MailService, new()
{
    private TClient? _client;

    public abstract string Name { get; }

    public abstract Task DeliverAsync(MimeMessage report, string recipient, CancellationToken cancellationToken);

    /// <summary>The open client, connecting (and authenticating when a user is given) first if needed.</summary>
    protected async Task<TClient> ConnectedAsync(string host, int port, SecureSocketOptions security, bool allowUntrustedCertificates,
        string? user, string? password, CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } open && (open.IsAuthenticated || string.IsNullOrEmpty(user)))
        {
            return open;
        }

        await CloseAsync();
        var client = _client = new TClient();
        if (allowUntrustedCertificates)
        {
            // Local servers present self-signed certificates; the option says to take any.
            client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        }

        await client.ConnectAsync(host, port, security, cancellationToken);
        if (!string.IsNullOrEmpty(user))
        {
            await client.AuthenticateAsync(user, password ?? "", cancellationToken);
        }

        return client;
    }

    public async Task CloseAsync()
    {
        if (_client is not { } client)
        {
            return;
        }

        _client = null;
        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: true, quick.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ProtocolException or CommandException or System.Net.Sockets.SocketException)
        {
            // The connection was already broken; dropping it is all that is left.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        GC.SuppressFinalize(this);
    }
}
