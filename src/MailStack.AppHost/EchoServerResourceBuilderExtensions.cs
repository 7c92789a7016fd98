namespace Aspire.Hosting;

/// <summary>A tenant's client endpoint: records delivery reports (and serves attachments) for tests to inspect.</summary>
internal static class EchoServerResourceBuilderExtensions
{
    public static IResourceBuilder<ProjectResource> AddTenantEchoServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddProject<Projects.MailStack_EchoServer>(name)
            .WithHttpEndpoint(name: "http")
            .WithUrlForEndpoint("http", url =>
            {
                url.DisplayText = "Recorded requests";
                url.Url = "/requests";
            })
            .WithHttpHealthCheck("/health");
}
