using MailStack.Sink.Client;
using System.Net;
using MailStack.Sink.Api;
using MailStack.Sink.Api.MailHog;
using MailStack.Sink.Chaos;
using MailStack.Sink.LinkCheck;
using MailStack.Sink.Relay;
using MailStack.Sink.Smtp;
using MailStack.Sink.Storage;
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

    public IPEndPoint? HttpEndPoint => Http?.IPEndPoint;

    public IPEndPoint? SmtpEndPoint => Smtp?.IPEndPoint;

    public IPEndPoint? SmtpsEndPoint => Smtps?.IPEndPoint;
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
        builder.Services.AddSingleton<SinkCertificate>();
        builder.Services.AddSingleton<SinkEndpoints>();
        builder.Services.AddSingleton<SmtpConnectionHandler>();
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
        app.MapFallback(() => ApiResults.NotFound());
        return app;
    }
}
