using MailStack.AppHost.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

internal static class HealthCheckResourceBuilderExtensions
{
    /// <summary>Resource is healthy once <paramref name="endpointName"/> sends a greeting starting with <paramref name="prefix"/>.</summary>
    public static IResourceBuilder<T> WithGreetingHealthCheck<T>(this IResourceBuilder<T> builder, string endpointName, string prefix)
        where T : IResourceWithEndpoints
    {
        var endpoint = builder.GetEndpoint(endpointName);
        return builder.WithCustomHealthCheck($"{endpointName}-greeting", _ => new GreetingHealthCheck(endpoint, prefix));
    }

    /// <summary>Registers <paramref name="factory"/> as a health check of this resource, keyed by resource name.</summary>
    public static IResourceBuilder<T> WithCustomHealthCheck<T>(this IResourceBuilder<T> builder, string name, Func<IServiceProvider, IHealthCheck> factory)
        where T : IResource
    {
        var key = $"{builder.Resource.Name}-{name}";
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, factory, failureStatus: HealthStatus.Unhealthy, tags: null));
        return builder.WithHealthCheck(key);
    }
}
