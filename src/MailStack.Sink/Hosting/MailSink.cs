using System.Net;
using MailStack.Sink.Chaos;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Hosting;

/// <summary>
/// A sink running inside the caller's process (for unit tests): loopback, free ports, no files,
/// no global state — any number can run at once. <c>await using var sink = await MailSink.StartAsync();</c>
/// </summary>
public sealed class MailSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _shutdownTimeout;
    private int _stopped;

    private MailSink(WebApplication app, TimeSpan shutdownTimeout)
    {
        _app = app;
        _shutdownTimeout = shutdownTimeout;
        var endpoints = app.Services.GetRequiredService<SinkEndpoints>();
        SmtpEndPoint = endpoints.SmtpEndPoint!;
        SmtpsEndPoint = endpoints.SmtpsEndPoint;
        ImapEndPoint = endpoints.ImapEndPoint;
        ImapsEndPoint = endpoints.ImapsEndPoint;
        ApiUri = new Uri($"http://{endpoints.HttpEndPoint}/");
    }

    public IPEndPoint SmtpEndPoint { get; }

    /// <summary>Implicit-TLS port when <see cref="SmtpOptions.TlsPort"/> was set.</summary>
    public IPEndPoint? SmtpsEndPoint { get; }

    /// <summary>IMAP (plain/STARTTLS); null when <see cref="ImapOptions.Port"/> is null.</summary>
    public IPEndPoint? ImapEndPoint { get; }

    /// <summary>Implicit-TLS IMAP when <see cref="ImapOptions.TlsPort"/> was set.</summary>
    public IPEndPoint? ImapsEndPoint { get; }

    public int ImapPort => ImapEndPoint?.Port ?? throw new InvalidOperationException("IMAP is turned off (Imap:Port is null)");

    public string Host => SmtpEndPoint.Address.ToString();

    public int SmtpPort => SmtpEndPoint.Port;

    /// <summary>Base address of the HTTP API (e.g. for MailSinkClient).</summary>
    public Uri ApiUri { get; }

    /// <summary>The certificate served on STARTTLS/SMTPS, so a test can pin it instead of trusting anything.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate =>
        _app.Services.GetRequiredService<MailStack.Sink.Smtp.SinkCertificate>().Certificate;

    public MessageStore Store => _app.Services.GetRequiredService<MessageStore>();

    public ChaosEngine Chaos => _app.Services.GetRequiredService<ChaosEngine>();

    /// <summary>The IMAP view of the store: accounts, folders, UIDs (e.g. to change a UIDVALIDITY).</summary>
    public MailboxDirectory Mailboxes => _app.Services.GetRequiredService<MailboxDirectory>();

    public static async Task<MailSink> StartAsync(MailSinkOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MailSinkOptions();
        options.Smtp.Port = options.Smtp.Port == new SmtpOptions().Port ? 0 : options.Smtp.Port;
        options.Http.Port = options.Http.Port == new HttpOptions().Port ? 0 : options.Http.Port;
        options.Imap.Port = options.Imap.Port == new ImapOptions().Port ? 0 : options.Imap.Port;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No file watchers for the configuration files cleared below (a sink per test pays for them).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        // Nothing from the environment or files: an in-process sink is exactly what the test asked for.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.AddMailSink(options);

        var app = builder.Build();
        app.MapMailSink();
        await app.StartAsync(cancellationToken);
        return new MailSink(app, options.ShutdownTimeout);
    }

    /// <summary>Stops listening, ends open sessions (421) and returns within the shutdown timeout.</summary>
    /// <exception cref="TimeoutException">Sessions did not end within the bound (they were aborted).</exception>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        // Kestrel aborts connections still open at the host's shutdown timeout; this is the outer bound.
        using var bound = new CancellationTokenSource(_shutdownTimeout + TimeSpan.FromSeconds(2));
        var stop = _app.StopAsync(bound.Token);
        try
        {
            await stop.WaitAsync(bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"the sink did not stop within {_shutdownTimeout.TotalSeconds:0.#} s");
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
