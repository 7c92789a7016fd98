using MailStack.Sink.Chaos;
using MailStack.Sink.Hosting;
using MailStack.Sink.Smtp;
using MailStack.Sink.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Imap;

/// <summary>
/// Kestrel hands every accepted IMAP connection here (plain/STARTTLS or IMAPS): Kestrel owns the
/// accept loop and bounded shutdown; each connection runs its own <see cref="ImapSession"/>.
/// </summary>
internal sealed class ImapConnectionHandler(
    MailboxDirectory directory,
    ChaosEngine chaos,
    SinkCertificate certificate,
    IOptions<MailSinkOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ImapConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // Shutdown ends every session at once (* BYE) instead of waiting for idle clients.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, lifetime.ApplicationStopping);
        var isTls = connection.Features.Get<ITlsHandshakeFeature>() is not null;
        await using var stream = new DuplexPipeStream(connection.Transport);
        var session = new ImapSession(connection.Transport.Input, stream, isTls, options.Value, directory, chaos, certificate, logger)
        {
            RemoteEndPoint = connection.RemoteEndPoint?.ToString() ?? "?",
        };
        await session.RunAsync(ending.Token);
    }
}
