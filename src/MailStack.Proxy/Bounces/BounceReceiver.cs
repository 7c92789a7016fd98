using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Telemetry;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Bounces;

/// <summary>
/// Reads the bounce mailbox configured on <c>/instance</c> while bounces are enabled: one replica at
/// a time (the receiver lease), one <see cref="BounceMailboxSession"/> after another — a new one at
/// once when the settings change or <c>reload-bounce</c> asks, after a growing pause (1 s doubling
/// to 30 s) when the server or the database went away.
/// </summary>
public sealed partial class BounceReceiver(InstanceStore instance, BounceStore store, BounceReload reload, BounceReportHandler handler,
    IOptions<BounceReceiverOptions> options, TimeProvider time, ILogger<BounceReceiver> logger) : BackgroundService
{
    /// <summary>While off, the stored settings are looked at this often (a replica may have changed them).</summary>
    private static readonly TimeSpan OffRecheck = TimeSpan.FromSeconds(30);

    private string? _state;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, reload.Token);
            TimeSpan pause;
            try
            {
                pause = await RunOnceAsync(() => failures = 0, session.Token);
            }
            catch (OperationCanceledException) when (session.IsCancellationRequested)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                LogReload();
                failures = 0;
                continue;
            }
            catch (Exception ex)
            {
                failures++;
                pause = Backoff(failures);
                LogUnavailable(ex.GetType().Name, ex.Message, pause.TotalSeconds);
            }

            try
            {
                await Task.Delay(pause, time, session.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                LogReload();
                failures = 0;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <returns>How long to pause before the next try.</returns>
    private async Task<TimeSpan> RunOnceAsync(Action connected, CancellationToken cancellationToken)
    {
        var (settings, _) = await ProxyTelemetry.LookQuietlyAsync(() => instance.BounceSettingsAsync(cancellationToken));
        if (!settings.Enabled || settings.Host is not { Length: > 0 })
        {
            Report(settings.Enabled ? "on, but without bounce_imap_host: not reading" : "off (bounce_enabled is false)");
            return OffRecheck;
        }

        var (lease, _) = await ProxyTelemetry.LookQuietlyAsync(() => store.TryTakeReceiverLeaseAsync(cancellationToken));
        if (lease is null)
        {
            Report("waiting: another replica reads the bounce mailbox");
            return options.Value.LockRetryInterval;
        }

        await using (lease)
        {
            Report($"reading {settings}");
            await new BounceMailboxSession(settings, lease, handler, instance, options.Value, time, logger).RunAsync(connected, cancellationToken);
        }

        return TimeSpan.Zero;
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = options.Value.ReconnectDelay * Math.Pow(2, Math.Min(failures - 1, 16));
        return delay < options.Value.MaxReconnectDelay ? delay : options.Value.MaxReconnectDelay;
    }

    /// <summary>Logs the receiver's state when it changes, not at every look.</summary>
    private void Report(string state)
    {
        if (state != _state)
        {
            _state = state;
            LogState(state);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce receiver {State}")]
    private partial void LogState(string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce receiver restarting with the stored settings (reload-bounce)")]
    private partial void LogReload();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bounce mailbox unavailable ({Error}: {Reason}); trying again in {Seconds} s")]
    private partial void LogUnavailable(string error, string reason, double seconds);
}
