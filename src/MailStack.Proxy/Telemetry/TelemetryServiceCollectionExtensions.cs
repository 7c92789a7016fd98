namespace MailStack.Proxy.Telemetry;

/// <summary>The proxy's metrics (meter <c>MailStack.Proxy</c>) and the pending-gauge sampler.</summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddProxyTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<ProxyMetrics>();
        services.AddHostedService<PendingMessagesSampler>();
        return services;
    }
}
