using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>A MailStack.Sink instance: one per tenant, each with its own SMTP and HTTP ports.</summary>
internal static class MailSinkResourceBuilderExtensions
{
    public const string SmtpEndpointName = "smtp";
    public const string PurgeCommandName = "purge-messages";
    public const string SettingsSection = "MailStack:Sink";

    /// <param name="smtpPort">Fixed SMTP port under <c>dotnet run</c> (tests get random ports).</param>
    /// <param name="httpPort">Fixed HTTP (API and UI) port under <c>dotnet run</c>.</param>
    public static IResourceBuilder<ProjectResource> AddMailSink(
        this IDistributedApplicationBuilder builder, string name, int smtpPort, int httpPort) =>
        builder.AddProject<Projects.MailStack_Sink>(name)
            .WithHttpEndpoint(port: httpPort, name: "http")
            .WithEndpoint(port: smtpPort, name: SmtpEndpointName, scheme: "smtp", env: "Sink__Smtp__Port")
            .WithUrlForEndpoint("http", url =>
            {
                url.DisplayText = "Sink API (messages)";
                url.Url = "/api/v1/messages";
            })
            .WithUrlForEndpoint(SmtpEndpointName, url => url.DisplayText = "SMTP")
            .WithHttpHealthCheck("/health")
            .WithGreetingHealthCheck(SmtpEndpointName, "220 ")
            .WithPurgeCommand()
            // MailStack:Sink:* → every sink's Sink:* (e.g. Store:MaxMessages for a benchmark).
            .WithSettingsFrom(builder.Configuration.GetSection(SettingsSection), "Sink");

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
