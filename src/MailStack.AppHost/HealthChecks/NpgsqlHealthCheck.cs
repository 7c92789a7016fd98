using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MailStack.AppHost.HealthChecks;

/// <summary>Healthy when the resource's connection string opens a connection that answers a query.</summary>
public sealed class NpgsqlHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.GetConnectionStringAsync(cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
