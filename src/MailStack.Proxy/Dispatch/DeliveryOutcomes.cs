using MailStack.Proxy.Api;
using Npgsql;

namespace MailStack.Proxy.Dispatch;

/// <summary>What happened to one claimed message: its new status and the event to report.</summary>
public sealed record DeliveryOutcome(ClaimedMessage Message, string Status, string Description, string? Error, long Ts, long? DeferredTs, int RetryCount);

/// <summary>
/// Records outcomes in one statement per batch: each message's new state, its history event,
/// and for a sent message a row in <c>sends</c> (the send log rate limits count). Only messages
/// still claimed (<c>sending</c>) change, so a message deleted meanwhile is not brought back.
/// </summary>
public sealed class DeliveryOutcomes(NpgsqlDataSource db, ProxyMetrics metrics, ILogger<DeliveryOutcomes> logger)
{
    public async Task RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            WITH o AS (
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::int[])
                    AS o(pk, status, description, error, ts, deferred_ts, retry_count)),
            updated AS (
                UPDATE messages m SET status = o.status, error = o.error, retry_count = o.retry_count,
                    sent_ts = CASE WHEN o.status = 'sent' THEN o.ts ELSE m.sent_ts END,
                    error_ts = CASE WHEN o.status = 'error' THEN o.ts ELSE m.error_ts END,
                    deferred_ts = CASE WHEN o.status = 'deferred' THEN o.deferred_ts ELSE m.deferred_ts END,
                    claimed_until = NULL, updated_at = now()
                FROM o WHERE m.pk = o.pk AND m.status = 'sending'
                RETURNING m.pk, m.tenant_id, m.account_id, o.status, o.ts, o.description),
            logged AS (
                INSERT INTO sends (tenant_id, account_id, message_pk, sent_ts)
                SELECT tenant_id, account_id, pk, ts FROM updated WHERE status = 'sent')
            INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description)
            SELECT pk, tenant_id, status, ts, description FROM updated
            """);
        command.Parameters.AddWithValue(outcomes.Select(o => o.Message.Pk).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Status).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Description).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Error).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Ts).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.DeferredTs).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.RetryCount).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
        foreach (var outcome in outcomes)
        {
            metrics.Increment(outcome.Status switch { "sent" => "mailstack_sent_total", "error" => "mailstack_errors_total", _ => "mailstack_deferred_total" },
                outcome.Message.TenantId, outcome.Message.AccountId);
            // Failures at Information; each send only at Debug (a thousand a second would drown the log).
            logger.Log(outcome.Status == "sent" ? LogLevel.Debug : LogLevel.Information, "Message {TenantId}/{MessageId} {Status}: {Description}",
                outcome.Message.TenantId, outcome.Message.Id, outcome.Status, outcome.Description);
        }
    }
}
