using MailStack.Proxy.Telemetry;
using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// Connects to the database once at start-up and logs the outcome, so a wrong connection string shows
/// at once; quietly, since a connection it opens (when dispatch holds the pooled ones) would be a
/// trace of its own that belongs to no work.
/// </summary>
public sealed class DatabaseStartupProbe(NpgsqlDataSource dataSource, ILogger<DatabaseStartupProbe> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var ((database, host, port), _) = await ProxyTelemetry.LookQuietlyAsync(async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                return (connection.Database, connection.Host, connection.Port);
            });
            logger.LogInformation("Connected to database {Database} on {Host}:{Port}", database, host, port);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogError(ex, "Cannot connect to the database; /health reports unhealthy until it can");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
