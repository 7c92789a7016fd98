using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Claims ready messages in priority order (FOR UPDATE SKIP LOCKED plus a lease, so replicas on
/// one database never take the same message and a dead replica's claims expire), sends them
/// through the tenant's account with MailKit and records every outcome as an event to report.
/// </summary>
public sealed class Dispatcher(NpgsqlDataSource db, DispatchSignal signal, IOptions<DispatchOptions> options, TimeProvider time, MailStack.Proxy.Api.ProxyMetrics metrics, ILogger<Dispatcher> logger) : BackgroundService
{
    public static readonly ActivitySource Activity = new("MailStack.Proxy");

    private DispatchOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await RunCycleAsync(stoppingToken);
                if (claimed > 0)
                {
                    continue; // more may be ready
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Never let one bad cycle stop the service: claimed messages come back when their lease ends.
                logger.LogError(ex, "Dispatch cycle failed; retrying at the next poll");
            }

            await signal.WaitAsync(Options.PollInterval, stoppingToken);
        }
    }

    /// <returns>How many messages were claimed.</returns>
    public async Task<int> RunCycleAsync(CancellationToken cancellationToken)
    {
        var batch = await ClaimAsync(cancellationToken);
        foreach (var group in batch.GroupBy(m => (m.TenantId, m.AccountId)))
        {
            await SendGroupAsync(group.Key.TenantId, group.Key.AccountId, group.ToList(), cancellationToken);
        }

        if (batch.Count > 0)
        {
            logger.LogInformation("Dispatched {Count} message(s)", batch.Count);
            signal.Wake(); // let the reporter run
        }

        return batch.Count;
    }

    private async Task<List<Claimed>> ClaimAsync(CancellationToken cancellationToken)
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
            RETURNING m.pk, m.tenant_id, m.id, m.account_id, m.payload, m.retry_count, m.priority
            """);
        command.Parameters.AddWithValue(time.GetUtcNow().ToUnixTimeSeconds());
        command.Parameters.AddWithValue(Options.BatchSize);
        command.Parameters.AddWithValue(Options.ClaimLease);
        var claimed = new List<Claimed>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new Claimed(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(), reader.GetInt32(5), reader.GetInt32(6)));
        }

        // RETURNING is unordered: restore the priority order for sending.
        return claimed.OrderBy(c => c.Priority).ThenBy(c => c.Pk).ToList();
    }

    private async Task SendGroupAsync(string tenantId, string accountId, List<Claimed> messages, CancellationToken cancellationToken)
    {
        var account = await LoadAccountAsync(tenantId, accountId, cancellationToken);
        if (account is null)
        {
            foreach (var message in messages)
            {
                await RecordErrorAsync(message, "account not found for tenant", cancellationToken);
            }

            return;
        }

        // Priority levels go out one after another, so the order holds at the receiver; within a
        // level, up to ConnectionsPerAccount connections send side by side.
        foreach (var level in messages.GroupBy(m => m.Priority).OrderBy(level => level.Key))
        {
            var list = level.ToList();
            var connections = Math.Clamp(Options.ConnectionsPerAccount, 1, list.Count);
            await Task.WhenAll(Enumerable.Range(0, connections).Select(c =>
                SendOverOneConnectionAsync(tenantId, account, list.Where((_, i) => i % connections == c).ToList(), cancellationToken)));
        }
    }

    private async Task SendOverOneConnectionAsync(string tenantId, Account account, List<Claimed> messages, CancellationToken cancellationToken)
    {
        using var smtp = new SmtpClient { Timeout = (int)Options.SmtpTimeout.TotalMilliseconds };
        // Test sinks use self-signed certificates: the stack allows them, production validation is the default.
        smtp.ServerCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || Options.AllowUntrustedCertificates;
        foreach (var message in messages)
        {
            using var activity = Activity.StartActivity("smtp send", ActivityKind.Client);
            activity?.SetTag("mailstack.tenant_id", tenantId);
            activity?.SetTag("mailstack.message_id", message.Id);
            try
            {
                if (!smtp.IsConnected)
                {
                    await smtp.ConnectAsync(account.Host, account.Port, account.TlsOption, cancellationToken);
                    if (account.User is { Length: > 0 } user)
                    {
                        await smtp.AuthenticateAsync(user, account.Password ?? "", cancellationToken);
                    }
                }

                var (mime, sender, recipients) = MailComposer.Compose(message.Payload, Options.TrackingHeader, "mailstack-proxy");
                if (activity is not null)
                {
                    // W3C trace context in the mail, so the receiving side can continue the trace.
                    mime.Headers.Replace("traceparent", activity.Id!);
                }

                await smtp.SendAsync(mime, sender, recipients, cancellationToken);
                await RecordSentAsync(message, cancellationToken);
            }
            catch (AttachmentException ex)
            {
                await RecordErrorAsync(message, ex.Message, cancellationToken);
            }
            catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
            {
                await RecordErrorAsync(message, $"{ex.Message} (SMTP {(int)ex.StatusCode})", cancellationToken);
                await ResetAsync(smtp, cancellationToken);
            }
            catch (SmtpCommandException ex)
            {
                await RecordDeferredAsync(message, $"{ex.Message} (SMTP {(int)ex.StatusCode})", cancellationToken);
                await ResetAsync(smtp, cancellationToken);
            }
            catch (AuthenticationException ex)
            {
                await RecordErrorAsync(message, $"{ex.Message} (SMTP 535)", cancellationToken);
            }
            catch (Exception ex) when (ex is SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException or TimeoutException or SslHandshakeException)
            {
                await RecordDeferredAsync(message, ex.Message, cancellationToken);
                smtp.Disconnect(false, CancellationToken.None);
            }
            catch (FormatException ex)
            {
                await RecordErrorAsync(message, $"invalid message: {ex.Message}", cancellationToken);
            }
        }

        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(true, cancellationToken);
        }
    }

    private static async Task ResetAsync(SmtpClient smtp, CancellationToken cancellationToken)
    {
        if (smtp.IsConnected)
        {
            try
            {
                await smtp.NoOpAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException)
            {
                smtp.Disconnect(false, CancellationToken.None);
            }
        }
    }

    private Task RecordSentAsync(Claimed message, CancellationToken cancellationToken) =>
        RecordAsync(message, "UPDATE messages SET status = 'sent', sent_ts = $2, error = $3, claimed_until = NULL, updated_at = now() WHERE pk = $1",
            "sent", "sent", null, cancellationToken);

    private Task RecordErrorAsync(Claimed message, string error, CancellationToken cancellationToken) =>
        RecordAsync(message, "UPDATE messages SET status = 'error', error_ts = $2, error = $3, claimed_until = NULL, updated_at = now() WHERE pk = $1",
            "error", error, error, cancellationToken);

    private async Task RecordDeferredAsync(Claimed message, string reason, CancellationToken cancellationToken)
    {
        var retry = message.RetryCount + 1;
        if (retry > Options.MaxRetries)
        {
            await RecordErrorAsync(message, $"Max retries ({Options.MaxRetries}) exceeded: {reason}", cancellationToken);
            return;
        }

        var delay = Options.BackoffFor(retry);
        var until = time.GetUtcNow().Add(delay).ToUnixTimeSeconds();
        await RecordAsync(message,
            $"UPDATE messages SET status = 'deferred', deferred_ts = {until}, retry_count = {retry}, error = $3, claimed_until = NULL, updated_at = now() WHERE pk = $1",
            "deferred", reason, reason, cancellationToken);
    }

    /// <summary>Updates the message and appends its event in one statement (atomic, one round trip).</summary>
    private async Task RecordAsync(Claimed message, string update, string eventType, string description, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await using var command = db.CreateCommand($"""
            WITH updated AS ({update} RETURNING pk)
            INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description)
            SELECT pk, $4, $5, $2, $6 FROM updated
            """);
        command.Parameters.AddWithValue(message.Pk);
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue((object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue(message.TenantId);
        command.Parameters.AddWithValue(eventType);
        command.Parameters.AddWithValue(description);
        await command.ExecuteNonQueryAsync(cancellationToken);
        metrics.Increment(eventType switch { "sent" => "mailstack_sent_total", "error" => "mailstack_errors_total", _ => "mailstack_deferred_total" }, message.TenantId, message.AccountId);
        logger.LogDebug("Message {TenantId}/{MessageId}: {Event} {Description}", message.TenantId, message.Id, eventType, description);
    }

    private async Task<Account?> LoadAccountAsync(string tenantId, string accountId, CancellationToken cancellationToken)
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
        bool? useTls = reader.IsDBNull(4) ? null : reader.GetBoolean(4);
        // use_tls unset: TLS only on 465. On 465 TLS is implicit, elsewhere STARTTLS; false is plain.
        var tls = (useTls ?? port == 465) ? (port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls) : SecureSocketOptions.None;
        return new Account(reader.GetString(0), port, reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), tls);
    }

    private sealed record Claimed(long Pk, string TenantId, string Id, string AccountId, JsonElement Payload, int RetryCount, int Priority);

    private sealed record Account(string Host, int Port, string? User, string? Password, SecureSocketOptions TlsOption);
}
