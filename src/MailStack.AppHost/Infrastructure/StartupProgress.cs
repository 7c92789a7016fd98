using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailStack.AppHost.Infrastructure;

/// <summary>
/// Logs each resource as it becomes healthy and one "stack ready" line when all are, so a person
/// (and bench/stack-startup.sh) can see how far start-up has come without opening the dashboard.
/// </summary>
internal sealed class StartupProgress(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ILogger<StartupProgress> logger,
    Stopwatch stopwatch) : BackgroundService
{
    public const string ReadyMessage = "Stack ready";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watched = model.Resources.Where(r => r.Annotations.OfType<HealthCheckAnnotation>().Any()).ToList();
        try
        {
            await Task.WhenAll(watched.Select(async resource =>
            {
                await notifications.WaitForResourceHealthyAsync(resource.Name, stoppingToken);
                logger.LogInformation("{Resource} healthy after {Seconds:F1} s", resource.Name, stopwatch.Elapsed.TotalSeconds);
            }));
            logger.LogInformation("{Ready}: all {Count} resources healthy after {Seconds:F1} s", ReadyMessage, watched.Count, stopwatch.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A resource that failed to start: the dashboard and its log say why.
            logger.LogWarning("Stack not ready: {Reason}", ex.Message);
        }
    }
}

internal static class StartupProgressBuilderExtensions
{
    public static IDistributedApplicationBuilder AddStartupProgress(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            // Timed from the AppHost's start: this service starts only once Aspire has started the
            // resources, by when the infrastructure is healthy already ("after 0.0 s" said nothing).
            var sinceStart = Stopwatch.StartNew();
            builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<StartupProgress>(services, sinceStart));
        }

        return builder;
    }
}
