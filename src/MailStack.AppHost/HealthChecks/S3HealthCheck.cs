using Amazon.Runtime;
using Amazon.S3.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MailStack.AppHost.HealthChecks;

/// <summary>Healthy when the object store answers an authenticated ListBuckets.</summary>
public sealed class S3HealthCheck(IObjectStoreResource store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!store.Endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("endpoint not allocated yet");
        }

        try
        {
            using var client = await ObjectStoreResourceBuilderExtensions.CreateClientAsync(store, cancellationToken);
            await client.ListBucketsAsync(new ListBucketsRequest(), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
