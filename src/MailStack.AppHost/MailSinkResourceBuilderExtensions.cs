namespace Aspire.Hosting;

/// <summary>A MailStack.Sink instance: one per tenant, each with its own SMTP and HTTP ports.</summary>
internal static class MailSinkResourceBuilderExtensions
{
    public const string SmtpEndpointName = "smtp";

    /// <param name="smtpPort">Fixed SMTP port under <c>dotnet run</c> (tests get random ports).</param>
    /// <param name="httpPort">Fixed HTTP (API and UI) port under <c>dotnet run</c>.</param>
    public static IResourceBuilder<ProjectResource> AddMailSink(
        this IDistributedApplicationBuilder builder, string name, int smtpPort, int httpPort) =>
        builder.AddProject<Projects.MailStack_Sink>(name)
            .WithHttpEndpoint(port: httpPort, name: "http")
            .WithEndpoint(port: smtpPort, name: SmtpEndpointName, scheme: "smtp", env: "Sink__Smtp__Port")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Sink API")
            .WithUrlForEndpoint(SmtpEndpointName, url => url.DisplayText = "SMTP")
            .WithHttpHealthCheck("/health");
}
