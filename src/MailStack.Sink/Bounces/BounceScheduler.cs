using System.Diagnostics;
using System.Threading.Channels;
using MailStack.Sink.Hosting;
using MailStack.Sink.Storage;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Bounces;

/// <summary>
/// Turns the bounce orders of a stored message into delivery status notifications and delivers them
/// one after another through the configured route, each after its delay. A failed delivery is
/// retried (bounded, with doubling waits) and then logged; nothing here can stop the sink, and
/// stopping abandons what is still pending (counted and logged).
/// </summary>
public sealed partial class BounceScheduler : BackgroundService
{
    private readonly Channel<BounceJob> _due = Channel.CreateUnbounded<BounceJob>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly BounceOptions _options;
    private readonly string _reportingMta;
    private readonly IBounceRoute _route;
    private readonly TimeProvider _time;
    private readonly ILogger<BounceScheduler> _logger;
    private int _pending;

    public BounceScheduler(IOptions<MailSinkOptions> options, MessageStore store, TimeProvider time, ILogger<BounceScheduler> logger)
    {
        _options = options.Value.Bounce;
        _reportingMta = _options.ReportingMta ?? options.Value.Smtp.HostName;
        _route = CreateRoute(_options, store, options.Value.Smtp.HostName);
        _time = time;
        _logger = logger;
    }

    /// <summary>The route reports take.</summary>
    public string RouteName => _route.Name;

    /// <summary>
    /// Schedules the reports for a stored message: one per distinct delay, covering the recipients
    /// whose NOTIFY asks for that kind of report. Nothing for the null sender: a bounce is never bounced.
    /// </summary>
    public void Submit(StoredMessage message, IReadOnlyList<BounceOrder> orders)
    {
        if (message.Envelope.From.Length == 0)
        {
            LogNullSender(message.Id);
            return;
        }

        var chosen = new Dictionary<string, BounceOrder>(StringComparer.OrdinalIgnoreCase);
        foreach (var order in orders)
        {
            foreach (var recipient in order.Recipient is { } one ? [one] : message.Envelope.Recipients)
            {
                chosen.TryAdd(recipient, order);
            }
        }

        var wanted = chosen.Where(c => message.Envelope.Dsn.For(c.Key).Wants(c.Value.Notify)).ToList();
        foreach (var group in wanted.GroupBy(c => c.Value.Delay))
        {
            var job = new BounceJob(message, [.. group.Select(c => (c.Key, c.Value))]);
            Interlocked.Increment(ref _pending);
            if (group.Key <= TimeSpan.Zero)
            {
                _due.Writer.TryWrite(job);
            }
            else
            {
                _ = QueueLaterAsync(job, group.Key);
            }
        }
    }

    private async Task QueueLaterAsync(BounceJob job, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
            _due.Writer.TryWrite(job);
        }
        catch (OperationCanceledException)
        {
            // Stopping: counted as abandoned in StopAsync.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogRoute(_route.Name);
        try
        {
            await foreach (var job in _due.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(job, stoppingToken);
                Interlocked.Decrement(ref _pending);
                if (!_due.Reader.TryPeek(out _))
                {
                    await _route.CloseAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await _route.CloseAsync();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _due.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        if (Volatile.Read(ref _pending) is > 0 and var abandoned)
        {
            BounceTelemetry.Failed.Add(abandoned);
            LogAbandoned(abandoned);
        }
    }

    public override void Dispose()
    {
        // The loop first: cancelling it must not meet a disposed token source.
        base.Dispose();
        _stopping.Dispose();
    }

    private async Task DeliverAsync(BounceJob job, CancellationToken stoppingToken)
    {
        var envelope = job.Message.Envelope;
        var recipients = string.Join(", ", job.Recipients.Select(r => r.Recipient));
        using var activity = BounceTelemetry.Source.StartActivity("bounce report", ActivityKind.Producer);
        activity?.SetTag("mailstack.message.id", job.Message.Id);
        activity?.SetTag("mailstack.bounce.route", _route.Name);
        var retryDelay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(_options.Timeout);
                await _route.DeliverAsync(BuildReport(job), envelope.From, timeout.Token);
                BounceTelemetry.Delivered.Add(1);
                LogDelivered(job.Message.Id, recipients, envelope.From, _route.Name);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                await _route.CloseAsync();
                if (attempt >= _options.MaxAttempts)
                {
                    BounceTelemetry.Failed.Add(1);
                    activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    LogGivenUp(ex, job.Message.Id, envelope.From, _route.Name, attempt);
                    return;
                }

                LogRetry(job.Message.Id, _route.Name, attempt, retryDelay.TotalSeconds, ex.Message);
                await Task.Delay(retryDelay, _time, stoppingToken);
                retryDelay *= 2;
            }
        }
    }

    private MimeKit.MimeMessage BuildReport(BounceJob job)
    {
        var envelope = job.Message.Envelope;
        return DeliveryStatusReport.Build(new DeliveryReport(
            _reportingMta,
            envelope.From,
            job.Message.Parse(),
            [.. job.Recipients.Select(r => r.Order.StatusFor(envelope.Dsn.For(r.Recipient)))])
        {
            EnvelopeId = envelope.Dsn.EnvelopeId,
            ArrivalDate = job.Message.Received,
            HeadersOnly = envelope.Dsn.Return == DsnReturn.Headers,
            Date = _time.GetUtcNow(),
        });
    }

    private static IBounceRoute CreateRoute(BounceOptions options, MessageStore store, string hostName) =>
        (options.Imap is { Host.Length: > 0 } imap, options.Smtp is { Host.Length: > 0 } smtp) switch
        {
            (true, true) => throw new InvalidOperationException("configure one bounce route: Sink:Bounce:Imap or Sink:Bounce:Smtp, not both"),
            (true, false) => new ImapBounceRoute(options.Imap!),
            (false, true) => new SmtpBounceRoute(options.Smtp!),
            _ => new LocalBounceRoute(store, hostName),
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce reports go to {Route}")]
    private partial void LogRoute(string route);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No bounce report for message {MessageId}: its envelope sender is null (a bounce is never bounced)")]
    private partial void LogNullSender(string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce report for message {MessageId} ({Recipients}) delivered to <{Sender}> via {Route}")]
    private partial void LogDelivered(string messageId, string recipients, string sender, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bounce report for message {MessageId} via {Route} failed (try {Attempt}); retrying in {Seconds} s: {Error}")]
    private partial void LogRetry(string messageId, string route, int attempt, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bounce report for message {MessageId} to <{Sender}> via {Route} given up after {Attempts} tries")]
    private partial void LogGivenUp(Exception ex, string messageId, string sender, string route, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} bounce report(s) not sent: the sink stopped")]
    private partial void LogAbandoned(int count);
}
