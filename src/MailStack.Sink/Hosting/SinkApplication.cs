using MailStack.Sink.Client;
using System.Net;
using MailStack.Sink.Api;
using MailStack.Sink.Api.MailHog;
using MailStack.Sink.Bounces;
using MailStack.Sink.Chaos;
using MailStack.Sink.Imap;
using MailStack.Sink.LinkCheck;
using MailStack.Sink.Relay;
using MailStack.Sink.Smtp;
using MailStack.Sink.Storage;
using MailStack.Sink.Ui;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Hosting;

/// <summary>The bound listeners, known once Kestrel has started (port 0 resolves then).</summary>
public sealed class SinkEndpoints
{
    internal ListenOptions? Http { get; set; }

    internal ListenOptions? Smtp { get; set; }

    internal ListenOptions? Smtps { get; set; }

    internal ListenOptions? Imap { get; set; }

    internal ListenOptions? Imaps { get; set; }

    public IPEndPoint? HttpEndPoint => Http?.IPEndPoint;

    public IPEndPoint? SmtpEndPoint => Smtp?.IPEndPoint;

    public IPEndPoint? SmtpsEndPoint => Smtps?.IPEndPoint;

    public IPEndPoint? ImapEndPoint => Imap?.IPEndPoint;

    public IPEndPoint? ImapsEndPoint => Imaps?.IPEndPoint;
}

/// <summary>
/// Wires the sink into a web application: services, Kestrel listeners (HTTP API, SMTP, SMTPS)
/// and the API. Shared by the standalone service and the in-process <see cref="MailSink"/>.
/// </summary>
public static class SinkApplication
{
    public static WebApplicationBuilder AddMailSink(this WebApplicationBuilder builder, MailSinkOptions options, IReadOnlyList<string>? httpUrls = null)
    {
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MessageStore>();
        builder.Services.AddSingleton<TagCatalog>();
        builder.Services.AddSingleton<MessageRelay>();
        builder.Services.AddSingleton<LinkChecker>();
        builder.Services.AddSingleton<ChaosEngine>();
        builder.Services.AddSingleton<BounceScheduler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BounceScheduler>());
        builder.Services.AddSingleton<SinkCertificate>();
        builder.Services.AddSingleton<SinkEndpoints>();
        builder.Services.AddSingleton<SmtpConnectionHandler>();
        builder.Services.AddSingleton<MailboxDirectory>();
        builder.Services.AddSingleton<ImapConnectionHandler>();
        builder.Services.ConfigureHttpJsonOptions(json => SinkJson.Configure(json.SerializerOptions));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var endpoints = kestrel.ApplicationServices.GetRequiredService<SinkEndpoints>();
            var certificate = kestrel.ApplicationServices.GetRequiredService<SinkCertificate>();
            var smtpAddress = IPAddress.Parse(options.Smtp.ListenAddress);

            kestrel.Listen(smtpAddress, options.Smtp.Port, listen =>
            {
                endpoints.Smtp = listen;
                listen.UseConnectionHandler<SmtpConnectionHandler>();
            });
            if (options.Smtp.TlsPort is { } tlsPort && certificate.Certificate is { } cert)
            {
                kestrel.Listen(smtpAddress, tlsPort, listen =>
                {
                    endpoints.Smtps = listen;
                    listen.UseHttps(cert);
                    listen.UseConnectionHandler<SmtpConnectionHandler>();
                });
            }

            ListenImap(kestrel, options, endpoints, certificate);

            // Listening in code overrides ASPNETCORE_URLS, so the HTTP URLs are bound here too.
            var urls = httpUrls is { Count: > 0 } ? httpUrls : [$"http://127.0.0.1:{options.Http.Port}"];
            foreach (var url in urls)
            {
                var address = BindingAddress.Parse(url);
                void Http(ListenOptions listen) => endpoints.Http ??= listen;
                if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
                {
                    kestrel.ListenLocalhost(address.Port, Http);
                }
                else if (address.Host is "*" or "+" or "0.0.0.0" or "[::]")
                {
                    kestrel.ListenAnyIP(address.Port, Http);
                }
                else
                {
                    kestrel.Listen(IPAddress.Parse(address.Host.Trim('[', ']')), address.Port, Http);
                }
            }
        });
        return builder;
    }

    /// <summary>IMAP (plain/STARTTLS) and IMAPS, on the SMTP side's address and certificate.</summary>
    private static void ListenImap(KestrelServerOptions kestrel, MailSinkOptions options, SinkEndpoints endpoints, SinkCertificate certificate)
    {
        var address = IPAddress.Parse(options.Smtp.ListenAddress);
        if (options.Imap.Port is { } port)
        {
            kestrel.Listen(address, port, listen =>
            {
                endpoints.Imap = listen;
                listen.UseConnectionHandler<ImapConnectionHandler>();
            });
        }

        if (options.Imap.TlsPort is { } tlsPort && certificate.Certificate is { } cert)
        {
            kestrel.Listen(address, tlsPort, listen =>
            {
                endpoints.Imaps = listen;
                listen.UseHttps(cert);
                listen.UseConnectionHandler<ImapConnectionHandler>();
            });
        }
    }

    public static WebApplication MapMailSink(this WebApplication app)
    {
        app.MapMessagesApi();
        app.MapSendApi();
        app.MapTagsApi();
        app.MapViewApi();
        app.MapThumbnailApi();
        app.MapReleaseApi();
        app.MapLinkCheckApi();
        app.MapMailHogApi();
        app.MapChaosApi();
        app.MapInfoApi();
        app.MapEventsApi();
        app.MapMailboxesApi();
        app.MapMailSinkUi();
        app.MapImapApi();
        app.MapFallback(() => ApiResults.NotFound());
        return app;
    }
}
