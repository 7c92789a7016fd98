using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailStack.Proxy.Attachments;
using MailStack.Proxy.Bounces.Parsing;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.RateLimits;
using MailStack.Proxy.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Claims ready messages in priority order (FOR UPDATE SKIP LOCKED plus a lease, so replicas on
/// one database never take the same message and a dead replica's claims expire), sends them
/// through the tenant's account over pooled MailKit connections and records every outcome as an
/// event to report.
/// </summary>
public sealed class Dispatcher(MessageQueue queue, AccountStore accounts, TenantStore tenants, InstanceStore instance, SendLog sendLog, DispatchSignal signal, SmtpConnectionPool pool,
    DeliveryOutcomes outcomes, OutcomeFactory outcome, AttachmentPreparer attachments, ProxyMetrics metrics, IOptions<DispatchOptions> options, TimeProvider time,
    ILogger<Dispatcher> logger) : BackgroundService
{
    private DispatchOptions Options => options.Value;

    /// <summary>The global limit on SMTP connections this replica has open at once.</summary>
    private readonly SemaphoreSlim _connections = new(Math.Max(1, options.Value.MaxConnections));

    /// <summary>
    /// Cancels SMTP sends in flight <see cref="DispatchOptions.ShutdownGrace"/> after stopping began:
    /// a stopping replica takes no new message but lets the current ones finish and be recorded,
    /// so a clean shutdown sends nothing twice.
    /// </summary>
    private readonly CancellationTokenSource _abortSends = new();

    public override void Dispose()
    {
        // The loop first: cancelling it runs the stopping callback, which still arms _abortSends. A
        // host whose start failed disposes without stopping, and the other order crashed the process.
        base.Dispose();
        _abortSends.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(() => _abortSends.CancelAfter(Options.ShutdownGrace));
        var wakes = signal.ListenForSends();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await RunCycleAsync(stoppingToken);
                if (claimed > 0)
                {
                    continue; // more may be ready
                }

                await pool.CloseIdleAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Never let one bad cycle stop the service: claimed messages come back when their lease ends.
                logger.LogError(ex, "Dispatch cycle failed; retrying at the next poll");
            }

            var idleSince = time.GetTimestamp();
            await wakes.WaitAsync(Options.PollInterval, stoppingToken);
            // Woken by every add-messages: while nothing is ready (a suspended tenant's backlog, say),
            // look again at most every MinClaimInterval instead of once per request.
            var rest = Options.MinClaimInterval - time.GetElapsedTime(idleSince);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, time, stoppingToken);
            }
        }
    }

    /// <returns>How many messages were claimed.</returns>
    public async Task<int> RunCycleAsync(CancellationToken cancellationToken)
    {
        // An empty poll leaves no trace; a round that claimed work is one trace, its claim included.
        var (batch, startedAt) = await ProxyTelemetry.LookQuietlyAsync(() => ClaimAsync(cancellationToken));
        if (batch.Count == 0)
        {
            return 0;
        }

        using var round = ProxyTelemetry.StartRound("dispatch round", startedAt, "claim messages", batch.Count);

        using (var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var renewal = KeepLeaseAsync(batch, sending.Token);
            try
            {
                await Task.WhenAll(batch.GroupBy(m => (m.TenantId, m.AccountId))
                    .Select(group => SendAccountBatchAsync(group.Key.TenantId, group.Key.AccountId, group.ToList(), cancellationToken)));
            }
            finally
            {
                // Whatever happened, stop renewing: anything left claimed must expire, not stay claimed forever.
                await sending.CancelAsync();
                await renewal;
                // Let the reporter run, also after a failure: outcomes recorded before it are reported now.
                signal.Wake();
            }
        }

        logger.LogInformation("Dispatched {Count} message(s)", batch.Count);
        return batch.Count;
    }

    private Task<List<ClaimedMessage>> ClaimAsync(CancellationToken cancellationToken) =>
        queue.ClaimAsync(time.GetUtcNow().ToUnixTimeSeconds(), Options.BatchSize, Options.ClaimLease, Options.DispatchDelayAfterEnqueue, cancellationToken);

    private async Task SendAccountBatchAsync(string tenantId, string accountId, List<ClaimedMessage> messages, CancellationToken cancellationToken)
    {
        SmtpAccount? account;
        AttachmentTenant tenant;
        MimeKit.MailboxAddress? returnPath;
        try
        {
            account = await accounts.GetForSendingAsync(tenantId, accountId, cancellationToken);
            tenant = AttachmentTenant.Of(tenantId, await tenants.GetAsync(tenantId, cancellationToken));
            // Read per batch, so a PUT /instance on any replica holds from the next batch on.
            returnPath = await instance.ReturnPathAsync(cancellationToken) is { } path && MimeKit.MailboxAddress.TryParse(path, out var address) ? address : null;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            logger.LogWarning("Could not load account {TenantId}/{AccountId} ({Reason}); its {Count} message(s) go back to the queue", tenantId, accountId, ex.Message, messages.Count);
            await ReleaseAsync(messages);
            return;
        }

        if (account is null)
        {
            await outcomes.RecordAsync(messages.Select(m => outcome.Error(m, MessageRejection.AccountNotFound)).ToList(), CancellationToken.None);
            return;
        }

        var limits = SendLimits.Of(account.LimitPerMinute, account.LimitPerHour, account.LimitPerDay);
        if (!limits.Unlimited)
        {
            messages = await AdmitAsync(account, limits, messages, cancellationToken);
        }

        var endpoint = SmtpEndpoint.Of(account);

        // Priority levels go out one after another, so the order holds at the receiver; within a
        // level, up to ConnectionsPerAccount connections take messages from one queue side by side.
        foreach (var level in messages.GroupBy(m => m.Priority).OrderBy(level => level.Key))
        {
            var queue = new ConcurrentQueue<ClaimedMessage>(level);
            var connections = Math.Clamp(Options.ConnectionsPerAccount, 1, queue.Count);
            var failures = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => SendOverOneConnectionAsync(endpoint, tenant, returnPath, queue, cancellationToken)));
            await SettleLeftoversAsync(queue, failures.LastOrDefault(f => f is not null), cancellationToken);
        }
    }

    /// <summary>
    /// The send policy of an account with rate limits, read at every claim (so a changed limit holds
    /// from the next batch): the messages its windows have room for go on; the rest are deferred to
    /// the window's end or rejected, as the account says. Counted across replicas by <see cref="SendLog"/>.
    /// </summary>
    /// <returns>The messages admitted, in sending order.</returns>
    private async Task<List<ClaimedMessage>> AdmitAsync(SmtpAccount account, SendLimits limits, List<ClaimedMessage> messages, CancellationToken cancellationToken)
    {
        SendAdmission admission;
        try
        {
            admission = await sendLog.AdmitAsync(account.TenantId, account.Id, limits, [.. messages.Select(m => m.Pk)], time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            logger.LogWarning("Could not check the rate limits of {TenantId}/{AccountId} ({Reason}); its {Count} message(s) go back to the queue", account.TenantId, account.Id, ex.Message, messages.Count);
            await ReleaseAsync(messages);
            return [];
        }

        if (admission.Excess.Count > 0)
        {
            var held = messages.Skip(admission.Admitted).Zip(admission.Excess, (message, hit) => outcome.RateLimited(message, hit, account.LimitBehavior)).ToList();
            await outcomes.RecordAsync(held, CancellationToken.None);
            metrics.RateLimited(account.TenantId, account.Id, held.Count);

            logger.LogInformation("{Count} message(s) of {TenantId}/{AccountId} over {Reason}: {Behavior}", held.Count, account.TenantId, account.Id,
                admission.Excess[0].Reason, account.LimitBehavior == LimitBehavior.Reject ? "rejected" : "deferred");
        }

        return [.. messages.Take(admission.Admitted)];
    }

    /// <summary>
    /// Sends messages from the level's queue over one pooled connection until the queue is empty.
    /// Outcomes are written in small batches. Stops early, returning why, when no connection can be
    /// had (the other connections carry on); a message cut off by shutdown goes back to the queue.
    /// </summary>
    private async Task<SmtpFailure?> SendOverOneConnectionAsync(SmtpEndpoint endpoint, AttachmentTenant tenant, MimeKit.MailboxAddress? returnPath, ConcurrentQueue<ClaimedMessage> queue, CancellationToken cancellationToken)
    {
        var recorded = new List<DeliveryOutcome>();
        ClaimedMessage? inFlight = null;
        DsnSmtpClient? smtp = null;
        var slot = false;
        try
        {
            await _connections.WaitAsync(cancellationToken);
            slot = true;
            while (!cancellationToken.IsCancellationRequested && queue.TryDequeue(out inFlight))
            {
                try
                {
                    smtp ??= await pool.RentAsync(endpoint, cancellationToken);
                }
                catch (Exception ex) when (SmtpFailure.Classify(ex) is { } failure)
                {
                    logger.LogWarning("SMTP connection to {Endpoint} failed: {Reason}", endpoint, failure.Reason);
                    recorded.Add(outcome.Failed(inFlight, failure));
                    inFlight = null;
                    return failure;
                }

                var (result, keepConnection) = await SendOneAsync(smtp, endpoint, tenant, returnPath, inFlight);
                inFlight = null;
                recorded.Add(result);
                if (!keepConnection)
                {
                    smtp.Dispose();
                    smtp = null;
                }

                if (recorded.Count >= Options.OutcomeBatchSize)
                {
                    await outcomes.RecordAsync(recorded, CancellationToken.None);
                    recorded.Clear();
                }
            }

            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null; // shutting down: the message in flight was not confirmed and goes back below
        }
        catch (Exception ex)
        {
            // A bug, not an SMTP outcome: keep the service and the message (back to the queue below),
            // not the connection (its state is unknown).
            logger.LogError(ex, "Sending through {Endpoint} failed unexpectedly", endpoint);
            smtp?.Dispose();
            smtp = null;
            return null;
        }
        finally
        {
            if (slot)
            {
                _connections.Release();
            }

            if (smtp is not null)
            {
                await pool.ReturnAsync(endpoint, smtp);
            }

            await outcomes.RecordAsync(recorded, CancellationToken.None);
            if (inFlight is not null)
            {
                await ReleaseAsync([inFlight]);
            }
        }
    }

    /// <summary>
    /// What no connection sent: on shutdown it goes back to the queue at once (no waiting for the
    /// lease); when every connection failed it gets that failure instead of a timeout each.
    /// </summary>
    private async Task SettleLeftoversAsync(ConcurrentQueue<ClaimedMessage> level, SmtpFailure? failure, CancellationToken cancellationToken)
    {
        var leftovers = level.ToList();
        if (leftovers.Count == 0)
        {
            return;
        }

        if (cancellationToken.IsCancellationRequested || failure is not { } why)
        {
            await ReleaseAsync(leftovers);
            return;
        }

        await outcomes.RecordAsync(leftovers.Select(m => outcome.Failed(m, why)).ToList(), CancellationToken.None);
    }

    private async Task<(DeliveryOutcome Outcome, bool KeepConnection)> SendOneAsync(DsnSmtpClient smtp, SmtpEndpoint endpoint, AttachmentTenant tenant, MimeKit.MailboxAddress? returnPath, ClaimedMessage message)
    {
        PreparedAttachments? prepared = null;
        // The send continues the trace of the add-messages request that accepted the message.
        ActivityContext.TryParse(message.TraceParent, null, out var parent);
        using var activity = ProxyTelemetry.Source.StartActivity("smtp send", ActivityKind.Client, parent);
        activity?.SetTag("mailstack.tenant_id", message.TenantId);
        activity?.SetTag("mailstack.message_id", message.Id);
        activity?.SetTag("server.address", endpoint.Host);
        activity?.SetTag("server.port", endpoint.Port);
        try
        {
            // Validated at enqueue; a row from before that validation may still fail here.
            var (parsed, rejection) = MessageParser.Parse(message.Payload, (MessagePriority)message.Priority);
            if (parsed is null)
            {
                return (outcome.Error(message, $"invalid message: {rejection!.Reason}"), true);
            }

            // Fetched now, not at enqueue (as genro): a failure ends this message alone.
            prepared = await attachments.PrepareAsync(parsed.Attachments, tenant, _abortSends.Token);
            var (mime, sender, recipients) = MailComposer.Compose(parsed, prepared, Options.TrackingHeader, "mailstack-proxy", returnPath);
            if (activity is not null)
            {
                // W3C trace context in the mail, so the receiving side can continue the trace.
                mime.Headers.Replace("traceparent", activity.Id!);
            }

            await smtp.SendAsync(mime, sender, recipients, BounceEnvelopeId.Format(new(parsed.TenantId, parsed.Id)), _abortSends.Token);
            return (outcome.Sent(message) with { Warnings = prepared.Warnings }, true);
        }
        catch (Exception ex) when (ex is AttachmentFetchException or AttachmentRejectedException or FormatException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return (outcome.Error(message, ex is FormatException ? $"invalid message: {ex.Message}" : ex.Message), true);
        }
        catch (Exception ex) when (SmtpFailure.Classify(ex) is { } failure)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure.Reason);
            var keep = ex is SmtpCommandException && await SmtpConnectionPool.RespondsAsync(smtp, _abortSends.Token);
            return (outcome.Failed(message, failure) with { Warnings = prepared?.Warnings ?? [] }, keep);
        }
        finally
        {
            if (prepared is not null)
            {
                await prepared.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Extends the claim on the batch's unfinished messages every third of the lease while it is
    /// being sent, so a slow batch is never taken over by another replica; a replica that dies
    /// stops renewing and its claims expire one lease later.
    /// </summary>
    private async Task KeepLeaseAsync(List<ClaimedMessage> batch, CancellationToken cancellationToken)
    {
        var pks = batch.Select(m => m.Pk).ToArray();
        try
        {
            while (true)
            {
                await Task.Delay(Options.ClaimLease / 3, time, cancellationToken);
                try
                {
                    await queue.RenewAsync(pks, Options.ClaimLease, cancellationToken);
                }
                catch (NpgsqlException ex)
                {
                    // A busy pool or a database restart: the lease still runs two thirds, so try again
                    // at the next tick rather than let the claims expire under a batch still sending.
                    logger.LogWarning(ex, "Could not extend the claim on {Count} message(s); trying again", pks.Length);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The batch is done (or the service stops).
        }
    }

    /// <summary>Hands unsent claims back (pending, or deferred with their old timing) so a restart does not wait for the lease.</summary>
    private async Task ReleaseAsync(List<ClaimedMessage> unsent)
    {
        if (unsent.Count == 0)
        {
            return;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await queue.ReleaseAsync([.. unsent.Select(m => m.Pk)], limit.Token);
        logger.LogInformation("Released {Count} claimed message(s) unsent", unsent.Count);
    }
}
