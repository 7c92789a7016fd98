using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Connected, authenticated SMTP clients kept per endpoint between dispatch cycles, so a busy
/// account does not pay connect + TLS + AUTH for every batch. A connection idle for a while is
/// probed with NOOP before reuse (servers drop idle sessions); one idle too long is closed.
/// </summary>
public sealed class SmtpConnectionPool(IOptions<DispatchOptions> options, TimeProvider time, ILogger<SmtpConnectionPool> logger) : IAsyncDisposable
{
    private static readonly TimeSpan ProbeAfterIdle = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<SmtpEndpoint, ConcurrentQueue<IdleConnection>> _idle = new();

    private DispatchOptions Options => options.Value;

    public async Task<DsnSmtpClient> RentAsync(SmtpEndpoint endpoint, CancellationToken cancellationToken)
    {
        var queue = _idle.GetOrAdd(endpoint, _ => new());
        while (queue.TryDequeue(out var idle))
        {
            var idleFor = time.GetUtcNow() - idle.Since;
            if (idleFor > Options.IdleConnectionTimeout || !idle.Client.IsConnected)
            {
                await CloseAsync(idle.Client);
                continue;
            }

            if (idleFor > ProbeAfterIdle && !await RespondsAsync(idle.Client, cancellationToken))
            {
                await CloseAsync(idle.Client);
                continue;
            }

            return idle.Client;
        }

        return await ConnectAsync(endpoint, cancellationToken);
    }

    /// <summary>Keeps a healthy connection for the next send; closes it when the pool for that endpoint is full.</summary>
    public async ValueTask ReturnAsync(SmtpEndpoint endpoint, DsnSmtpClient client)
    {
        var queue = _idle.GetOrAdd(endpoint, _ => new());
        if (client.IsConnected && queue.Count < Options.ConnectionsPerAccount)
        {
            queue.Enqueue(new IdleConnection(client, time.GetUtcNow()));
            return;
        }

        await CloseAsync(client);
    }

    /// <summary>Closes connections nobody used for <see cref="DispatchOptions.IdleConnectionTimeout"/> (accounts gone quiet or changed).</summary>
    public async Task CloseIdleAsync()
    {
        var now = time.GetUtcNow();
        foreach (var (endpoint, queue) in _idle)
        {
            var keep = new List<IdleConnection>();
            while (queue.TryDequeue(out var idle))
            {
                if (now - idle.Since > Options.IdleConnectionTimeout)
                {
                    await CloseAsync(idle.Client);
                }
                else
                {
                    keep.Add(idle);
                }
            }

            keep.ForEach(queue.Enqueue);
            if (queue.IsEmpty)
            {
                _idle.TryRemove(new KeyValuePair<SmtpEndpoint, ConcurrentQueue<IdleConnection>>(endpoint, queue));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _idle.Values)
        {
            while (queue.TryDequeue(out var idle))
            {
                await CloseAsync(idle.Client);
            }
        }
    }

    private async Task<DsnSmtpClient> ConnectAsync(SmtpEndpoint endpoint, CancellationToken cancellationToken)
    {
        var client = new DsnSmtpClient { Timeout = (int)Options.SmtpTimeout.TotalMilliseconds };
        // Test sinks use self-signed certificates: the stack allows them, production validation is the default.
        client.ServerCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || Options.AllowUntrustedCertificates;
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Tls, cancellationToken);
            if (endpoint.User is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, endpoint.Password ?? "", cancellationToken);
            }

            // With SIZE, MailKit serializes every message once just to measure it for MAIL FROM
            // SIZE=: a second full rendering per send. Without it a too-large message is refused
            // at the end of DATA (552) instead, with the same outcome.
            client.Capabilities &= ~SmtpCapabilities.Size;
            logger.LogDebug("Opened SMTP connection to {Endpoint}", endpoint);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Whether the session still answers (NOOP); a refused command usually leaves it usable, a dropped one does not.</summary>
    public static async Task<bool> RespondsAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.NoOpAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task CloseAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(true, quit.Token);
            }
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or OperationCanceledException or ServiceNotConnectedException)
        {
            // The server already went away: nothing to say goodbye to.
        }
        finally
        {
            client.Dispose();
        }
    }

    private sealed record IdleConnection(DsnSmtpClient Client, DateTimeOffset Since);
}
