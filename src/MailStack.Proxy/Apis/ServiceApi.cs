using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MailStack.Proxy.Apis;

/// <summary>Health, status, database and metrics: the routes operators and orchestrators call.</summary>
public static class ServiceApi
{
    public static IEndpointRouteBuilder MapServiceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", HealthAsync).WithTags("Service").WithSummary("Health (no token): {\"status\":\"ok\"} as genro answers");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = registration => registration.Tags.Contains("live") })
            .WithTags("Service").WithSummary("Liveness (no token)");
        app.MapGet("/metrics", async (ProxyMetrics metrics, MessageQueue queue, CancellationToken cancellationToken) =>
            TypedResults.Text(metrics.Render(await queue.CountOpenAsync(cancellationToken)), "text/plain; version=0.0.4"))
            .WithTags("Service").WithSummary("Prometheus metrics (no token)").Produces<string>(contentType: "text/plain");
        app.MapGet("/status/database", DatabaseAsync).WithTags("Service").WithSummary("The database the proxy uses (no token)");
        app.MapTenantGroup("Service").MapGet("/status", () => TypedResults.Ok(new StatusResponse(Active: true)))
            .WithSummary("Service status (any valid token)");
        return app;
    }

    /// <summary>genro's body; the health checks (the database among them) still decide the status code.</summary>
    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> HealthAsync(HealthCheckService health, CancellationToken cancellationToken) =>
        (await health.CheckHealthAsync(cancellationToken)).Status == HealthStatus.Healthy
            ? TypedResults.Ok(new HealthResponse("ok"))
            : TypedResults.Json(new HealthResponse("error"), WireJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<Ok<DatabaseInfo>, JsonHttpResult<ApiError>>> DatabaseAsync(DatabaseProbe database, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await database.DescribeAsync(cancellationToken));
        }
        catch (NpgsqlException ex)
        {
            return TypedResults.Json(new ApiError($"database unavailable: {ex.Message}"), WireJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
