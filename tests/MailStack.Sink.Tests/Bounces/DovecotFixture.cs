using MailStack.Testing.Bounces;

namespace MailStack.Sink.Tests.Bounces;

/// <summary>One real Dovecot per test class that needs it; tests keep apart by unique addresses.</summary>
public sealed class DovecotFixture : IAsyncLifetime
{
    private DovecotServer? _server;

    public DovecotServer Server => _server ?? throw new InvalidOperationException("dovecot is not started");

    public async ValueTask InitializeAsync() => _server = await DovecotServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public Task<ImapInjector> ConnectAsync() =>
        ImapInjector.ConnectAsync(Server.Host, Server.Port, Server.User, Server.Password, cancellationToken: TestContext.Current.CancellationToken);
}
