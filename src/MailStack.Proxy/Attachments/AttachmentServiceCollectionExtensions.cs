namespace MailStack.Proxy.Attachments;

/// <summary>Attachment fetching, the MD5 cache and the object store, with their options (<c>Proxy:Attachments</c>, <c>Proxy:ObjectStore</c>).</summary>
public static class AttachmentServiceCollectionExtensions
{
    public static IServiceCollection AddProxyAttachments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AttachmentOptions>(configuration.GetSection(AttachmentOptions.Section));
        services.Configure<ObjectStoreOptions>(configuration.GetSection(ObjectStoreOptions.Section));
        services.AddSingleton<IAttachmentSource, Base64AttachmentSource>();
        services.AddSingleton<IAttachmentSource, HttpUrlAttachmentSource>();
        services.AddSingleton<IAttachmentSource, EndpointAttachmentSource>();
        services.AddSingleton<IAttachmentSource, FilesystemAttachmentSource>();
        services.AddSingleton<AttachmentWorkDirectory>();
        services.AddSingleton<AttachmentMetrics>();
        services.AddSingleton<AttachmentCache>();
        services.AddSingleton<AttachmentFetcher>();
        services.AddSingleton<AttachmentObjectStore>();
        services.AddSingleton<AttachmentPreparer>();
        // One fetch is one request: no retries or attempt timeouts of the default resilience handler;
        // the fetcher's own timeout bounds it.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(AttachmentHttp.ClientName, http => http.Timeout = Timeout.InfiniteTimeSpan).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }
}
