using Microsoft.Extensions.Http.Resilience;

namespace MailStack.Proxy.Dispatch;

/// <summary>Dispatch and reporting: the background services, the SMTP pool and their options (<c>Proxy:Dispatch</c>).</summary>
public static class DispatchServiceCollectionExtensions
{
    public static IServiceCollection AddProxyDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DispatchOptions>(configuration.GetSection("Proxy:Dispatch"));
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<SmtpConnectionPool>();
        services.AddSingleton<OutcomeFactory>();
        services.AddSingleton<DeliveryOutcomes>();
        // The standard retries and timeouts, but a circuit per tenant host: one unreachable tenant
        // does not open the circuit for every other tenant's reports.
#pragma warning disable EXTEXP0001
        services.AddHttpClient("tenant-sync", http => http.Timeout = TimeSpan.FromSeconds(30))
            .RemoveAllResilienceHandlers().AddStandardResilienceHandler().SelectPipelineByAuthority();
#pragma warning restore EXTEXP0001
        services.AddHostedService<Dispatcher>();
        services.AddHostedService<DeliveryReporter>();
        return services;
    }
}
