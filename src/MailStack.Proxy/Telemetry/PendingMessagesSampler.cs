using MailStack.Proxy.Persistence;

namespace MailStack.Proxy.Telemetry;

/// <summary>Counts the open messages now and then for the pending gauge, without leaving traces.</summary>
public sealed class PendingMessagesSampler(MessageQueue queue, ProxyMetrics metrics, ILogger<PendingMessagesSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var (pending, _) = await ProxyTelemetry.LookQuietlyAsync(() => queue.CountOpenAsync(stoppingToken));
                metrics.SetPending(pending);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("Could not count pending messages: {Reason}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
