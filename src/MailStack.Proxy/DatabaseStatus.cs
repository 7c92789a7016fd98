using Npgsql;

namespace MailStack.Proxy;

/// <summary>Which database the proxy is connected to, for operators and the stack tests.</summary>
internal static class DatabaseStatus
{
    public static void MapDatabaseStatus(this WebApplication app) =>
        app.MapGet("/status/database", async (NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT current_database(), current_setting('server_version')");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                return Results.Ok(new { ok = true, database = reader.GetString(0), server_version = reader.GetString(1) });
            }
            catch (NpgsqlException ex)
            {
                return Results.Json(new { ok = false, detail = $"database unavailable: {ex.Message}" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
}

/// <summary>Connects to the database once at start-up and logs the outcome, so a wrong connection string shows at once.</summary>
internal sealed class DatabaseStartupProbe(NpgsqlDataSource dataSource, ILogger<DatabaseStartupProbe> logger) : BackgroundService
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
