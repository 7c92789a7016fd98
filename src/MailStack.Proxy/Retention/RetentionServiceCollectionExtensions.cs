namespace MailStack.Proxy.Retention;

/// <summary>Retention: the cleaner the cleanup command uses, the periodic job, and their options (<c>Proxy:Retention</c>).</summary>
public static class RetentionServiceCollectionExtensions
{
    public static IServiceCollection AddProxyRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RetentionOptions>(configuration.GetSection("Proxy:Retention"));
        services.AddSingleton<RetentionCleaner>();
        services.AddHostedService<RetentionJob>();
        return services;
    }
}
