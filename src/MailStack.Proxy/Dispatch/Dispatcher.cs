using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MailStack.Proxy.Dispatch;

/// <summary>A message this replica claimed for sending.</summary>
public sealed record ClaimedMessage(long Pk, string TenantId, string Id, string AccountId, JsonElement Payload, int RetryCount, int Priority, string? TraceParent);

/// <summary>
/// Claims ready messages in priority order (FOR UPDATE SKIP LOCKED plus a lease, so replicas on
/// one database never take the same message and a dead replica's claims expire), sends them
/// through the tenant's account over pooled MailKit connections and records every outcome as an
/// event to report.
/// </summary>
public sealed class Dispatcher(NpgsqlDataSource db, DispatchSignal signal, SmtpConnectionPool pool, DeliveryOutcomes outcomes,
    IOptions<DispatchOptions> options, TimeProvider time, ILogger<Dispatcher> logger) : BackgroundService
{
    public static readonly ActivitySource Activity = new("MailStack.Proxy");

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
        _abortSends.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(() => _abortSends.CancelAfter(Options.ShutdownGrace));
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
            await signal.WaitAsync(Options.PollInterval, stoppingToken);
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
        var batch = await ClaimAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

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
            }
        }

        logger.LogInformation("Dispatched {Count} message(s)", batch.Count);
        signal.Wake(); // let the reporter run
        return batch.Count;
    }

    private async Task<List<ClaimedMessage>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE messages m SET status = 'sending', claimed_until = now() + $3, updated_at = now()
            WHERE m.pk IN (
                SELECT c.pk FROM messages c JOIN tenants t ON t.id = c.tenant_id
                WHERE (c.status IN ('pending', 'deferred') OR (c.status = 'sending' AND c.claimed_until < now()))
                  AND coalesce(c.deferred_ts, 0) <= $1
                  AND t.active AND NOT ('*' = ANY(t.suspended_batches))
                  AND (c.batch_code IS NULL OR NOT (c.batch_code = ANY(t.suspended_batches)))
                ORDER BY c.priority, c.created_at, c.pk
                LIMIT $2
                FOR UPDATE OF c SKIP LOCKED)
            RETURNING m.pk, m.tenant_id, m.id, m.account_id, m.payload, m.retry_count, m.priority, m.trace_parent
            """);
        command.Parameters.AddWithValue(time.GetUtcNow().ToUnixTimeSeconds());
        command.Parameters.AddWithValue(Options.BatchSize);
        command.Parameters.AddWithValue(Options.ClaimLease);
        var claimed = new List<ClaimedMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(), reader.GetInt32(5), reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        // RETURNING is unordered: restore the priority order for sending.
        return claimed.OrderBy(c => c.Priority).ThenBy(c => c.Pk).ToList();
    }

    private async Task SendAccountBatchAsync(string tenantId, string accountId, List<ClaimedMessage> messages, CancellationToken cancellationToken)
    {
        SmtpEndpoint? endpoint;
        try
        {
            endpoint = await LoadEndpointAsync(tenantId, accountId, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            logger.LogWarning("Could not load account {TenantId}/{AccountId} ({Reason}); its {Count} message(s) go back to the queue", tenantId, accountId, ex.Message, messages.Count);
            await ReleaseAsync(messages);
            return;
        }

        if (endpoint is null)
        {
            await outcomes.RecordAsync(messages.Select(m => Error(m, "account not found for tenant")).ToList(), CancellationToken.None);
            return;
        }

        // Priority levels go out one after another, so the order holds at the receiver; within a
        // level, up to ConnectionsPerAccount connections take messages from one queue side by side.
        foreach (var level in messages.GroupBy(m => m.Priority).OrderBy(level => level.Key))
        {
            var queue = new ConcurrentQueue<ClaimedMessage>(level);
            var connections = Math.Clamp(Options.ConnectionsPerAccount, 1, queue.Count);
            var failures = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => SendOverOneConnectionAsync(endpoint, queue, cancellationToken)));
            await SettleLeftoversAsync(queue, failures.LastOrDefault(f => f is not null), cancellationToken);
        }
    }

    /// <summary>
    /// Sends messages from the level's queue over one pooled connection until the queue is empty.
    /// Outcomes are written in small batches. Stops early, returning why, when no connection can be
    /// had (the other connections carry on); a message cut off by shutdown goes back to the queue.
    /// </summary>
    private async Task<(string Reason, bool Permanent)?> SendOverOneConnectionAsync(SmtpEndpoint endpoint, ConcurrentQueue<ClaimedMessage> queue, CancellationToken cancellationToken)
    {
        var recorded = new List<DeliveryOutcome>();
        ClaimedMessage? inFlight = null;
        SmtpClient? smtp = null;
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
                catch (Exception ex) when (Classify(ex) is { } failure)
                {
                    logger.LogWarning("SMTP connection to {Endpoint} failed: {Reason}", endpoint, failure.Reason);
                    recorded.Add(failure.Permanent ? Error(inFlight, failure.Reason) : Deferred(inFlight, failure.Reason));
                    inFlight = null;
                    return failure;
                }

                var (outcome, keepConnection) = await SendOneAsync(smtp, endpoint, inFlight);
                inFlight = null;
                recorded.Add(outcome);
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
    private async Task SettleLeftoversAsync(ConcurrentQueue<ClaimedMessage> queue, (string Reason, bool Permanent)? failure, CancellationToken cancellationToken)
    {
        var leftovers = queue.ToList();
        if (leftovers.Count == 0)
        {
            return;
        }

        if (cancellationToken.IsCancellationRequested || failure is not { } why)
        {
            await ReleaseAsync(leftovers);
            return;
        }

        await outcomes.RecordAsync(leftovers.Select(m => why.Permanent ? Error(m, why.Reason) : Deferred(m, why.Reason)).ToList(), CancellationToken.None);
    }

    private async Task<(DeliveryOutcome Outcome, bool KeepConnection)> SendOneAsync(SmtpClient smtp, SmtpEndpoint endpoint, ClaimedMessage message)
    {
        // The send continues the trace of the add-messages request that accepted the message.
        ActivityContext.TryParse(message.TraceParent, null, out var parent);
        using var activity = Activity.StartActivity("smtp send", ActivityKind.Client, parent);
        activity?.SetTag("mailstack.tenant_id", message.TenantId);
        activity?.SetTag("mailstack.message_id", message.Id);
        activity?.SetTag("server.address", endpoint.Host);
        activity?.SetTag("server.port", endpoint.Port);
        try
        {
            var (mime, sender, recipients) = MailComposer.Compose(message.Payload, Options.TrackingHeader, "mailstack-proxy");
            if (activity is not null)
            {
                // W3C trace context in the mail, so the receiving side can continue the trace.
                mime.Headers.Replace("traceparent", activity.Id!);
            }

            await smtp.SendAsync(mime, sender, recipients, _abortSends.Token);
            return (Sent(message), true);
        }
        catch (Exception ex) when (ex is AttachmentException or FormatException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return (Error(message, ex is FormatException ? $"invalid message: {ex.Message}" : ex.Message), true);
        }
        catch (Exception ex) when (Classify(ex) is { } failure)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure.Reason);
            var keep = ex is SmtpCommandException && await SmtpConnectionPool.RespondsAsync(smtp, _abortSends.Token);
            return (failure.Permanent ? Error(message, failure.Reason) : Deferred(message, failure.Reason), keep);
        }
    }

    /// <summary>SMTP reply 5xx, failed login and TLS failures are permanent; 4xx, network errors and timeouts are retried; cancellation is not an outcome.</summary>
    private static (string Reason, bool Permanent)? Classify(Exception ex) => ex switch
    {
        SmtpCommandException command => ($"{command.Message} (SMTP {(int)command.StatusCode})", (int)command.StatusCode >= 500),
        AuthenticationException auth => ($"{auth.Message} (SMTP 535)", true),
        SslHandshakeException tls => ($"TLS failed: {tls.Message}", true),
        OperationCanceledException => null,
        // Network errors, timeouts, protocol surprises and anything unforeseen: retried with backoff, so it ends as error at worst.
        _ => (ex.Message, false),
    };

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    private DeliveryOutcome Sent(ClaimedMessage message) => new(message, "sent", "sent", null, Now, null, message.RetryCount);

    private DeliveryOutcome Error(ClaimedMessage message, string error) => new(message, "error", error, error, Now, null, message.RetryCount);

    private DeliveryOutcome Deferred(ClaimedMessage message, string reason)
    {
        var retry = message.RetryCount + 1;
        if (retry > Options.MaxRetries)
        {
            return Error(message, $"Max retries ({Options.MaxRetries}) exceeded: {reason}");
        }

        var until = time.GetUtcNow().Add(Options.BackoffFor(retry)).ToUnixTimeSeconds();
        return new(message, "deferred", reason, reason, Now, until, retry);
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
                await using var command = db.CreateCommand("UPDATE messages SET claimed_until = now() + $2 WHERE pk = ANY($1) AND status = 'sending'");
                command.Parameters.AddWithValue(pks);
                command.Parameters.AddWithValue(Options.ClaimLease);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The batch is done (or the service stops).
        }
        catch (NpgsqlException ex)
        {
            logger.LogWarning(ex, "Could not extend the claim on {Count} message(s)", pks.Length);
        }
    }

    /// <summary>Hands unsent claims back (pending, or deferred with their old timing) so a restart does not wait for the lease.</summary>
    private async Task ReleaseAsync(List<ClaimedMessage> unsent)
    {
        if (unsent.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            UPDATE messages SET status = CASE WHEN retry_count > 0 THEN 'deferred' ELSE 'pending' END, claimed_until = NULL, updated_at = now()
            WHERE pk = ANY($1) AND status = 'sending'
            """);
        command.Parameters.AddWithValue(unsent.Select(m => m.Pk).ToArray());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await command.ExecuteNonQueryAsync(limit.Token);
        logger.LogInformation("Released {Count} claimed message(s) unsent", unsent.Count);
    }

    private async Task<SmtpEndpoint?> LoadEndpointAsync(string tenantId, string accountId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT host, port, user_name, password, use_tls FROM accounts WHERE tenant_id = $1 AND id = $2");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var port = reader.GetInt32(1);
        return new SmtpEndpoint(reader.GetString(0), port, SmtpEndpoint.TlsFor(port, reader.IsDBNull(4) ? null : reader.GetBoolean(4)),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }
}
