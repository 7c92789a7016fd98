using MailStack.Proxy.Bounces.Parsing;

namespace MailStack.Proxy.Bounces;

/// <summary>The bounce receiver, its parser and its options (<c>Proxy:Bounce</c>).</summary>
public static class BounceServiceCollectionExtensions
{
    public static IServiceCollection AddProxyBounces(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BounceReceiverOptions>(configuration.GetSection("Proxy:Bounce"));
        services.AddBounceParsing();
        services.AddSingleton<BounceReload>();
        services.AddSingleton<BounceReportHandler>();
        services.AddSingleton<BounceSettingsSeeder>();
        services.AddHostedService<BounceReceiver>();
        return services;
    }
}
