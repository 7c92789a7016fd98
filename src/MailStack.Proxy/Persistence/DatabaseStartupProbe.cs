using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>Connects to the database once at start-up and logs the outcome, so a wrong connection string shows at once.</summary>
public sealed class DatabaseStartupProbe(NpgsqlDataSource dataSource, ILogger<DatabaseStartupProbe> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
            logger.LogInformation("Connected to database {Database} on {Host}:{Port}", connection.Database, connection.Host, connection.Port);
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
