using MailStack.Sink.Bounces;
using MailStack.Sink.Chaos;
using MailStack.Sink.Hosting;
using MailStack.Sink.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Smtp;

/// <summary>
/// Kestrel hands every accepted SMTP connection here: Kestrel owns the accept loop, connection
/// limits and bounded shutdown; each connection runs its own <see cref="SmtpSession"/>.
/// </summary>
internal sealed class SmtpConnectionHandler(
    MessageStore store,
    ChaosEngine chaos,
    BounceScheduler bounces,
    SinkCertificate certificate,
    IOptions<MailSinkOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<SmtpConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // Shutdown ends every session at once (421) instead of waiting for idle clients.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, lifetime.ApplicationStopping);
        var isTls = connection.Features.Get<ITlsHandshakeFeature>() is not null;
        await using var stream = new DuplexPipeStream(connection.Transport);
        var session = new SmtpSession(connection.Transport.Input, stream, isTls, options.Value.Smtp, store, chaos, certificate, logger)
        {
            RemoteEndPoint = connection.RemoteEndPoint?.ToString() ?? "?",
            Bounces = bounces,
        };
        await session.RunAsync(ending.Token);
    }
}
