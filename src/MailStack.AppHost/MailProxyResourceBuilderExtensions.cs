namespace Aspire.Hosting;

/// <summary>The multi-tenant outbound mail proxy.</summary>
internal static class MailProxyResourceBuilderExtensions
{
    public static IResourceBuilder<ProjectResource> AddMailProxy(
        this IDistributedApplicationBuilder builder, string name, int httpPort,
        IResourceBuilder<IResourceWithConnectionString> database,
        IResourceBuilder<IObjectStoreResource> objects,
        IResourceBuilder<IBounceMailboxResource> bounceMailbox) =>
        builder.AddProject<Projects.MailStack_Proxy>(name)
            .WithHttpEndpoint(port: httpPort, name: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Proxy API")
            .WithReference(database).WaitFor(database)
            // Attachments and bounces are optional features: the proxy starts without them.
            .WithReference(objects)
            .WithReference(bounceMailbox)
            .WithHttpHealthCheck("/health");

    /// <summary>Service discovery for a tenant's sink and echo server, which the proxy reaches by name.</summary>
    public static IResourceBuilder<ProjectResource> WithTenant(
        this IResourceBuilder<ProjectResource> proxy, IResourceBuilder<ProjectResource> sink, IResourceBuilder<ProjectResource> echo) =>
        proxy.WithReference(sink).WithReference(echo);
}
