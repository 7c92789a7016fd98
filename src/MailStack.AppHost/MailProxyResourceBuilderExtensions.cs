using MailStack.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The multi-tenant outbound mail proxy.</summary>
internal static class MailProxyResourceBuilderExtensions
{
    public const string AdminTokenKey = "MailStack:Proxy:AdminToken";
    public const string DispatchSection = "MailStack:Proxy:Dispatch";
    public const string AttachmentsSection = "MailStack:Proxy:Attachments";
    public const string ObjectStoreSection = "MailStack:Proxy:ObjectStore";
    public const string BounceSection = "MailStack:Proxy:Bounce";
    public const string ReplicasKey = "MailStack:Proxy:Replicas";

    public static IResourceBuilder<ProjectResource> AddMailProxy(
        this IDistributedApplicationBuilder builder, string name, int httpPort,
        IResourceBuilder<IResourceWithConnectionString> database,
        IResourceBuilder<IObjectStoreResource> objects,
        IResourceBuilder<IBounceMailboxResource> bounceMailbox)
    {
        // A generated secret unless the caller fixes one (tests do, to call admin routes).
        var adminToken = builder.Configuration[AdminTokenKey] is { Length: > 0 } fixedToken
            ? builder.AddParameter($"{name}-admin-token", fixedToken, secret: true).Resource
            : ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-admin-token", special: false);
        var proxy = builder.AddProject<Projects.MailStack_Proxy>(name);
        var replicas = builder.Configuration.GetValue(ReplicasKey, 1);
        var balanced = replicas > 1;
        if (balanced)
        {
            // Replicas share maildb (claims are replica-safe).
            proxy.WithReplicas(replicas);
        }

        return proxy
            .WithAnnotation(new AdminTokenAnnotation(adminToken))
            // Replicas sit behind DCP's proxy on the fixed port, which balances over them; one instance
            // listens on the port itself, one hop less for every request (enqueue and latency in bench/README.md).
            .WithHttpEndpoint(port: balanced ? httpPort : builder.UnproxiedPort(httpPort), name: "http", isProxied: balanced)
            .WithEnvironment("Proxy__AdminToken", adminToken)
            // The tenant sinks present self-signed certificates on STARTTLS.
            .WithEnvironment("Proxy__Dispatch__AllowUntrustedCertificates", "true")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Proxy API")
            // The interactive API page (OpenAPI at /openapi/v1.json), as genro users know FastAPI's /docs.
            .WithUrlForEndpoint("http", _ => new ResourceUrlAnnotation { Url = "/docs/", DisplayText = "API reference" })
            .WithReference(database).WaitFor(database)
            // Attachments and bounces are optional features: the proxy starts without them.
            // The object store's connection string (endpoint, credentials, bucket) carries large attachments.
            .WithReference(objects)
            .WithReference(bounceMailbox)
            .WithHttpHealthCheck("/health")
            // MailStack:Proxy:Dispatch:* → Proxy:Dispatch:* (tests shorten intervals).
            .WithSettingsFrom(builder.Configuration.GetSection(DispatchSection), "Proxy__Dispatch")
            // MailStack:Proxy:Attachments:* (fetch timeout, filesystem root, cache) and :ObjectStore:* likewise.
            .WithSettingsFrom(builder.Configuration.GetSection(AttachmentsSection), "Proxy__Attachments")
            .WithSettingsFrom(builder.Configuration.GetSection(ObjectStoreSection), "Proxy__ObjectStore")
            .WithBounceMailbox(bounceMailbox)
            // MailStack:Proxy:Bounce:* (receiver timing, and Seed:* over the defaults below).
            .WithSettingsFrom(builder.Configuration.GetSection(BounceSection), "Proxy__Bounce");
    }

    /// <summary>
    /// The instance's bounce settings until an admin changes them (<c>PUT /instance</c>): read the
    /// bounce mailbox, and make it the envelope sender (MAIL FROM) of mail without a
    /// <c>return_path</c> of its own, so a sink's bounce reports go where the proxy reads them.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithBounceMailbox(this IResourceBuilder<ProjectResource> proxy, IResourceBuilder<IBounceMailboxResource> bounceMailbox)
    {
        var mailbox = bounceMailbox.Resource;
        return proxy
            .WithEnvironment("Proxy__Bounce__Seed__Enabled", "true")
            .WithEnvironment("Proxy__Bounce__Seed__ImapHost", mailbox.Endpoint.Property(EndpointProperty.Host))
            .WithEnvironment("Proxy__Bounce__Seed__ImapPort", mailbox.Endpoint.Property(EndpointProperty.Port))
            .WithEnvironment("Proxy__Bounce__Seed__ImapUser", mailbox.UserName)
            .WithEnvironment("Proxy__Bounce__Seed__ImapPassword", mailbox.Password)
            .WithEnvironment("Proxy__Bounce__Seed__ImapSsl", "false")
            .WithEnvironment("Proxy__Bounce__Seed__ReturnPath", mailbox.UserName);
    }

    /// <summary>The proxy's admin token, for the AppHost's own calls (seeding, dashboard commands).</summary>
    internal sealed record AdminTokenAnnotation(ParameterResource Token) : IResourceAnnotation;

    /// <summary>Service discovery for a tenant's sink and echo server, which the proxy reaches by name.</summary>
    public static IResourceBuilder<ProjectResource> WithTenant(
        this IResourceBuilder<ProjectResource> proxy, IResourceBuilder<ProjectResource> sink, IResourceBuilder<ProjectResource> echo) =>
        proxy.WithReference(sink).WithReference(echo);
}
