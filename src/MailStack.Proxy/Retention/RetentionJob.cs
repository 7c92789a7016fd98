using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Retention;

/// <summary>Runs <see cref="RetentionCleaner.RunAsync"/> every <see cref="RetentionOptions.Interval"/> (on the injected clock, so tests move it).</summary>
public sealed class RetentionJob(RetentionCleaner cleaner, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.Interval, time, stoppingToken);
                await cleaner.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever it did not delete now it deletes next time.
                logger.LogError(ex, "Retention run failed; trying again in {Interval}", options.Value.Interval);
            }
        }
    }
}
