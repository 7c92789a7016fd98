using MailStack.Proxy.Persistence;

namespace MailStack.Proxy.Telemetry;

/// <summary>Counts the open messages now and then for the pending gauge, without leaving traces.</summary>
public sealed class PendingMessagesSampler(MessageQueue queue, ProxyMetrics metrics, TimeProvider time, ILogger<PendingMessagesSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>How many times the count's own duration the sampler waits, at least.</summary>
    private const int CostShare = 50;

    /// <summary>
    /// The wait before the next count: every 5 s, or 50 times as long as the last count took. The count
    /// reads an index entry per open message, and the row too until it is vacuumed (118 ms behind
    /// 100,000 waiting): so the gauge never takes PostgreSQL more than 2 % of its time, whatever the backlog.
    /// </summary>
    public static TimeSpan WaitAfter(TimeSpan countTook) => TimeSpan.FromTicks(Math.Max(Interval.Ticks, countTook.Ticks * CostShare));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                var (pending, _) = await ProxyTelemetry.LookQuietlyAsync(() => queue.CountOpenAsync(stoppingToken));
                metrics.SetPending(pending);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("Could not count pending messages: {Reason}", ex.Message);
            }

            await Task.Delay(WaitAfter(time.GetElapsedTime(started)), time, stoppingToken);
        }
    }
}
