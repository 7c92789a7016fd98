using MailStack.AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>A MailStack.Sink instance: one per tenant, each with its own SMTP, IMAP and HTTP ports.</summary>
internal static class MailSinkResourceBuilderExtensions
{
    public const string SmtpEndpointName = "smtp";
    public const string ImapEndpointName = "imap";
    public const string PurgeCommandName = "purge-messages";
    public const string SettingsSection = "MailStack:Sink";

    /// <param name="smtpPort">Fixed SMTP port under <c>dotnet run</c> (tests get random ports).</param>
    /// <param name="httpPort">Fixed HTTP (API and UI) port under <c>dotnet run</c>.</param>
    /// <param name="imapPort">
    /// Fixed IMAP port under <c>dotnet run</c> (each recipient's mailbox for mail clients); without one the sink's
    /// IMAP listener takes a free port and is not published (the fault sinks need none).
    /// </param>
    public static IResourceBuilder<ProjectResource> AddMailSink(
        this IDistributedApplicationBuilder builder, string name, int smtpPort, int httpPort, int? imapPort = null)
    {
        var sink = builder.AddProject<Projects.MailStack_Sink>(name)
            .WithHttpEndpoint(port: httpPort, name: "http")
            // Not through DCP's proxy: every message the proxy delivers crossed it, and the throughput bench
            // delivered 830 msgs/s through it against 1,055 straight to the sink (bench/README.md).
            .WithEndpoint(port: builder.UnproxiedPort(smtpPort), name: SmtpEndpointName, scheme: "smtp",
                env: "Sink__Smtp__Port", isProxied: false)
            .WithUrlForEndpoint("http", url =>
            {
                url.DisplayText = "Mail UI";
                url.Url = "/";
            })
            .WithUrls(context =>
            {
                if (context.GetEndpoint("http") is { } http)
                {
                    context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/api/v1/messages", DisplayText = "Sink API (messages)", Endpoint = http });
                }
            })
            .WithUrlForEndpoint(SmtpEndpointName, url => url.DisplayText = "SMTP")
            .WithHttpHealthCheck("/health")
            .WithGreetingHealthCheck(SmtpEndpointName, "220 ")
            .WithPurgeCommand()
            // MailStack:Sink:* → every sink's Sink:* (e.g. Store:MaxMessages for a benchmark).
            .WithSettingsFrom(builder.Configuration.GetSection(SettingsSection), "Sink");
        return imapPort is { } port
            ? sink.WithEndpoint(port: port, name: ImapEndpointName, scheme: "imap", env: "Sink__Imap__Port")
                .WithUrlForEndpoint(ImapEndpointName, url => url.DisplayText = "IMAP (log in as a recipient address)")
                .WithGreetingHealthCheck(ImapEndpointName, "* OK")
            : sink.WithEnvironment("Sink__Imap__Port", "0");
    }

    /// <summary>
    /// Bounces like a real MTA: the <c>address_rules</c> chaos preset (<c>@bounce-hard.</c>, <c>@bounce-soft.</c>,
    /// <c>@reject.</c>, <c>@tempfail.</c>) and its bounce reports appended to the bounce mailbox over IMAP.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBounceRoute(
        this IResourceBuilder<ProjectResource> sink, IResourceBuilder<IBounceMailboxResource> bounceMailbox)
    {
        var mailbox = bounceMailbox.Resource;
        return sink
            .WithEnvironment("Sink__Chaos__Preset", "address_rules")
            .WithEnvironment("Sink__Bounce__Imap__Host", mailbox.Endpoint.Property(EndpointProperty.Host))
            .WithEnvironment("Sink__Bounce__Imap__Port", mailbox.Endpoint.Property(EndpointProperty.Port))
            .WithEnvironment("Sink__Bounce__Imap__User", mailbox.UserName)
            .WithEnvironment("Sink__Bounce__Imap__Password", mailbox.Password)
            .WithEnvironment("Sink__Bounce__Imap__Security", "None");
    }

    /// <summary>Mailpit's message release (<c>POST /api/v1/message/{ID}/release</c>) relays to <paramref name="target"/>'s SMTP port.</summary>
    public static IResourceBuilder<ProjectResource> WithReleaseTo(this IResourceBuilder<ProjectResource> sink, IResourceBuilder<ProjectResource> target)
    {
        var smtp = target.GetEndpoint(SmtpEndpointName);
        return sink
            .WithEnvironment("Sink__Release__Host", smtp.Property(EndpointProperty.Host))
            .WithEnvironment("Sink__Release__Port", smtp.Property(EndpointProperty.Port));
    }

    /// <summary>A dashboard button that deletes every message the sink holds.</summary>
    private static IResourceBuilder<ProjectResource> WithPurgeCommand(this IResourceBuilder<ProjectResource> sink)
    {
        var http = sink.GetEndpoint("http");
        return sink.WithCommand(PurgeCommandName, "Purge messages", async context =>
        {
            using var client = context.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
            using var response = await client.DeleteAsync(new Uri(new Uri(http.Url), "/api/v1/messages"), context.CancellationToken);
            return response.IsSuccessStatusCode
                ? CommandResults.Success()
                : CommandResults.Failure($"the sink answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(context.CancellationToken)}");
        }, new CommandOptions
        {
            IconName = "Delete",
            Description = "Delete every message in this sink",
            ConfirmationMessage = "Delete every message in this sink?",
            UpdateState = context => context.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });
    }
}
