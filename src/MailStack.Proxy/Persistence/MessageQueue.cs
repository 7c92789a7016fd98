using MailStack.Proxy.Model;
using Npgsql;
using NpgsqlTypes;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// The only writer of <c>messages</c>: enqueue, claim (replica-safe: <c>FOR UPDATE SKIP LOCKED</c>
/// plus a lease), renew, release, record outcomes (with their events and the <c>sends</c> log that
/// rate limits count), list and delete. Statuses come from <see cref="MessageStatuses"/>, as parameters or,
/// where a partial index is built on them, as literal lists.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is the message queue.")]
public sealed class MessageQueue(NpgsqlDataSource db)
{
    /// <summary>The waiting statuses as SQL literals, from the one mapping.</summary>
    private static readonly string WaitingList = SqlList(MessageStatuses.Waiting);

    /// <summary>The open statuses as SQL literals: the predicate of the <c>messages_claimable</c> index.</summary>
    private static readonly string OpenList = SqlList(MessageStatuses.Open);

    /// <summary>Of the open messages (<c>c</c>), those claimable: waiting, or being sent under a lease that ran out.</summary>
    private static readonly string WaitingOrLeaseOver = $"(c.status IN {WaitingList} OR c.claimed_until < now())";

    /// <summary>Claimable by its status (<c>c</c>), in the form that matches <c>messages_claimable</c>.</summary>
    private static readonly string ClaimableStatus = $"c.status IN {OpenList} AND {WaitingOrLeaseOver}";

    /// <summary>
    /// The same condition for a row already found by its key, written so that the planner cannot match
    /// it to <c>messages_claimable</c>: "not finished" does not prove "open" to PostgreSQL. Written as
    /// <see cref="ClaimableStatus"/>, on a queue that filled faster than autovacuum gathers statistics the
    /// planner took the partial index for small and joined a scan of all of it (every waiting message, a
    /// suspended tenant's included) to the primary key's few entries: 23 ms per claim at 48,000 waiting.
    /// </summary>
    private static readonly string StillClaimableStatus = $"c.status NOT IN {SqlList(MessageStatuses.Finished)} AND {WaitingOrLeaseOver}";

    // Candidates tenant by tenant, through messages_claimable in sending order: each tenant's first
    // 2 × $2 claimable messages, then the first 2 × $2 of those (the global order is kept: any of the
    // first overall is among its tenant's first). A wholly suspended tenant's backlog is not read:
    // scanning every waiting message, with a tenant lookup each, took 244 ms per claim behind 54,000
    // suspended ones. Only then are rows locked, at most $2 of them, in order, skipping those another
    // replica is claiming (twice the batch leaves it room to), each checked again once locked.
    // Candidates and claims are matched by pk = ANY(array), which keeps to the primary key's index
    // (the check once locked is StillClaimableStatus for that reason).
    private static readonly string ClaimSql = $"""
            WITH candidates AS (
                SELECT r.pk FROM tenants t
                CROSS JOIN LATERAL (
                    SELECT c.pk, c.priority, c.created_at FROM messages c
                    WHERE c.tenant_id = t.id AND {ClaimableStatus}
                      AND coalesce(c.deferred_ts, 0) <= $1 AND c.enqueued_at <= now() - $5
                      AND (c.batch_code IS NULL OR NOT (c.batch_code = ANY(t.suspended_batches)))
                    ORDER BY c.priority, c.created_at, c.pk
                    LIMIT $2 * 2) r
                WHERE t.active AND NOT ('*' = ANY(t.suspended_batches))
                ORDER BY r.priority, r.created_at, r.pk
                LIMIT $2 * 2),
            claimed AS (
                SELECT c.pk FROM messages c
                WHERE c.pk = ANY(ARRAY(SELECT pk FROM candidates)) AND {StillClaimableStatus}
                ORDER BY c.priority, c.created_at, c.pk
                LIMIT $2
                FOR UPDATE OF c SKIP LOCKED)
            UPDATE messages m SET status = $4, claimed_until = now() + $3, updated_at = now()
            WHERE m.pk = ANY(ARRAY(SELECT pk FROM claimed))
            RETURNING m.pk, m.tenant_id, m.id, m.account_id, m.payload, m.retry_count, m.priority, m.trace_parent
            """;

    /// <summary>The account named by row <paramref name="row"/> (columns t and a), or NULL: a scalar subquery.</summary>
    private static string AccountOf(string row) => $"(SELECT true FROM accounts acc WHERE acc.tenant_id = {row}.t AND acc.id = {row}.a)";

    // The account check is a scalar subquery (at most one row: accounts' key is (tenant_id, id)),
    // not a join or EXISTS, which the planner may turn into a join that reorders the rows; read
    // straight from unnest, they are inserted in the request's order without a sort, so their keys
    // (the order messages are listed in, and sent in within a priority: one request shares its
    // created_at) follow it. A sort, or a CTE, would copy every payload once more.
    private static readonly string EnqueueSql = $"""
            WITH stored AS (
                INSERT INTO messages (tenant_id, id, account_id, priority, batch_code, deferred_ts, payload, trace_parent, status)
                SELECT t, i, a, p, b, d, j::json, $8, $9
                FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::text[]) AS u(t, i, a, p, b, d, j)
                WHERE {AccountOf("u")} IS NOT NULL
                ON CONFLICT (tenant_id, id) DO UPDATE SET account_id = excluded.account_id, priority = excluded.priority,
                    batch_code = excluded.batch_code, deferred_ts = excluded.deferred_ts, payload = excluded.payload, trace_parent = excluded.trace_parent,
                    status = $9, retry_count = 0, enqueued_at = now(), updated_at = now()
                WHERE messages.status = ANY($10)
                RETURNING tenant_id, id)
            SELECT tenant_id, id, true FROM stored
            UNION ALL
            SELECT t, i, false FROM unnest($1::text[], $2::text[], $3::text[]) AS u(t, i, a)
            WHERE {AccountOf("u")} IS NULL
            """;

    private static readonly string DeleteReportedSql = $"""
            WITH doomed AS (
                SELECT m.pk FROM messages m
                -- Per message through its index (a NOT EXISTS would be planned as a scan of every event).
                CROSS JOIN LATERAL (
                    SELECT bool_and(e.reported_ts IS NOT NULL) AS all_reported, max(e.reported_ts) AS last_report
                    FROM message_events e WHERE e.message_pk = m.pk AND e.event_type IN {SqlList(MessageStatuses.Reported)}) r
                WHERE m.tenant_id = $1 AND m.pk > $2 AND m.status IN {SqlList(MessageStatuses.Finished)}
                  AND r.all_reported AND r.last_report < $3
                ORDER BY m.pk LIMIT $4
                FOR UPDATE OF m SKIP LOCKED),
            gone AS (DELETE FROM messages m USING doomed d WHERE m.pk = d.pk RETURNING m.pk)
            SELECT count(*), coalesce(max(pk), $2) FROM gone
            """;

    /// <summary>
    /// Inserts the messages whose account exists, or replaces those still waiting; messages already
    /// processed are left as they are. The accounts are checked by the same statement: one round trip
    /// per add-messages, not two (the check alone took a tenth of the proxy's CPU in a loop of them).
    /// </summary>
    /// <param name="traceParent">The accepting request's trace, so the send joins it.</param>
    public async Task<EnqueueResult> EnqueueAsync(IReadOnlyList<OutgoingMessage> messages, string? traceParent, CancellationToken cancellationToken)
    {
        var result = new EnqueueResult([], []);
        if (messages.Count == 0)
        {
            return result;
        }

        await using var upsert = db.CreateCommand(EnqueueSql);
        upsert.Parameters.AddWithValue(messages.Select(m => m.TenantId).ToArray());
        upsert.Parameters.AddWithValue(messages.Select(m => m.Id).ToArray());
        upsert.Parameters.AddWithValue(messages.Select(m => m.AccountId).ToArray());
        upsert.Parameters.AddWithValue(messages.Select(m => (int)m.Priority).ToArray());
        upsert.Parameters.AddWithValue(messages.Select(m => m.BatchCode).ToArray());
        upsert.Parameters.AddWithValue(messages.Select(m => m.DeferredTs).ToArray());
        upsert.Parameters.AddWithValue(messages.Select(m => m.Payload.GetRawText()).ToArray());
        upsert.Parameters.Add(DbValues.Text(traceParent));
        upsert.Parameters.AddWithValue(MessageStatus.Pending.ToDb());
        upsert.Parameters.AddWithValue(MessageStatuses.Waiting.ToDb());
        await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            (reader.GetBoolean(2) ? result.Stored : result.WithoutAccount).Add((reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    /// <summary>
    /// Records rejected items as <c>error</c> messages with an <c>error</c> event (reported to the tenant
    /// like any error), as genro does; an id still waiting is replaced, one already processed (or being
    /// sent) is left as it is, an unknown tenant is skipped. One item per (tenant, id).
    /// </summary>
    /// <returns>The (tenant, id) pairs recorded.</returns>
    public async Task<HashSet<(string TenantId, string Id)>> RecordRefusedAsync(IReadOnlyList<RefusedMessage> refused, long nowUnixSeconds, CancellationToken cancellationToken)
    {
        var recorded = new HashSet<(string, string)>();
        if (refused.Count == 0)
        {
            return recorded;
        }

        await using var command = db.CreateCommand("""
            WITH r AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) AS r(t, i, a, p, b, j, reason)
                WHERE EXISTS (SELECT 1 FROM tenants WHERE tenants.id = r.t)),
            upserted AS (
                INSERT INTO messages (tenant_id, id, account_id, priority, batch_code, payload, status, error, error_ts)
                SELECT t, i, a, p, b, j::json, $8, reason, $9 FROM r
                ON CONFLICT (tenant_id, id) DO UPDATE SET account_id = excluded.account_id, priority = excluded.priority,
                    batch_code = excluded.batch_code, deferred_ts = NULL, payload = excluded.payload, trace_parent = NULL,
                    status = excluded.status, error = excluded.error, error_ts = excluded.error_ts, retry_count = 0,
                    enqueued_at = now(), updated_at = now()
                WHERE messages.status = ANY($10)
                RETURNING pk, tenant_id, id, error),
            events AS (
                INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description)
                SELECT pk, tenant_id, $8, $9, error FROM upserted)
            SELECT tenant_id, id FROM upserted
            """);
        command.Parameters.AddWithValue(refused.Select(m => m.TenantId).ToArray());
        command.Parameters.AddWithValue(refused.Select(m => m.Id).ToArray());
        command.Parameters.AddWithValue(refused.Select(m => m.AccountId).ToArray());
        command.Parameters.AddWithValue(refused.Select(m => (int)m.Priority).ToArray());
        command.Parameters.AddWithValue(refused.Select(m => m.BatchCode).ToArray());
        command.Parameters.AddWithValue(refused.Select(m => m.Payload.GetRawText()).ToArray());
        command.Parameters.AddWithValue(refused.Select(m => m.Reason).ToArray());
        command.Parameters.AddWithValue(MessageStatus.Error.ToDb());
        command.Parameters.AddWithValue(nowUnixSeconds);
        command.Parameters.AddWithValue(MessageStatuses.Waiting.ToDb());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recorded.Add((reader.GetString(0), reader.GetString(1)));
        }

        return recorded;
    }

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> ready messages for <paramref name="lease"/>: waiting,
    /// due, of an active tenant and not suspended, or claimed by a replica whose lease ran out.
    /// </summary>
    /// <param name="enqueueDelay">How long a message rests after being enqueued before it may be claimed.</param>
    /// <returns>The claimed messages in sending order (priority, then age).</returns>
    public async Task<List<ClaimedMessage>> ClaimAsync(long nowUnixSeconds, int batchSize, TimeSpan lease, TimeSpan enqueueDelay, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(ClaimSql);
        command.Parameters.AddWithValue(nowUnixSeconds);
        command.Parameters.AddWithValue(batchSize);
        command.Parameters.AddWithValue(lease);
        command.Parameters.AddWithValue(MessageStatus.Sending.ToDb());
        command.Parameters.AddWithValue(enqueueDelay);
        var claimed = new List<ClaimedMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.Json(4), reader.GetInt32(5), reader.GetInt32(6), reader.StringOrNull(7)));
        }

        // RETURNING is unordered: restore the priority order for sending.
        return [.. claimed.OrderBy(c => c.Priority).ThenBy(c => c.Pk)];
    }

    /// <summary>Extends the lease on those of <paramref name="pks"/> still being sent.</summary>
    public async Task RenewAsync(long[] pks, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("UPDATE messages SET claimed_until = now() + $2 WHERE pk = ANY($1) AND status = $3");
        command.Parameters.AddWithValue(pks);
        command.Parameters.AddWithValue(lease);
        command.Parameters.AddWithValue(MessageStatus.Sending.ToDb());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Hands unsent claims back: pending, or deferred (with their old timing) once retried; their send reservations are dropped.</summary>
    public async Task ReleaseAsync(long[] pks, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            WITH released AS (
                UPDATE messages SET status = CASE WHEN retry_count > 0 THEN $3 ELSE $2 END, claimed_until = NULL, updated_at = now()
                WHERE pk = ANY($1) AND status = $4
                RETURNING pk)
            DELETE FROM sends WHERE reserved AND message_pk IN (SELECT pk FROM released)
            """);
        command.Parameters.AddWithValue(pks);
        command.Parameters.AddWithValue(MessageStatus.Pending.ToDb());
        command.Parameters.AddWithValue(MessageStatus.Deferred.ToDb());
        command.Parameters.AddWithValue(MessageStatus.Sending.ToDb());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records outcomes in one statement: each message's new state, its history event (after its
    /// warnings), and for a sent message a row in <c>sends</c> (the send log rate limits count: a send
    /// reserved by <see cref="SendLog.AdmitAsync"/> is confirmed, a reservation that did not end in a
    /// send is dropped). Only messages still claimed change, so a message deleted or taken over
    /// meanwhile is not brought back.
    /// </summary>
    public async Task RecordOutcomesAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
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
                    sent_ts = CASE WHEN o.status = $8 THEN o.ts ELSE m.sent_ts END,
                    error_ts = CASE WHEN o.status = $9 THEN o.ts ELSE m.error_ts END,
                    deferred_ts = CASE WHEN o.status = $10 THEN o.deferred_ts ELSE m.deferred_ts END,
                    claimed_until = NULL, updated_at = now()
                FROM o WHERE m.pk = o.pk AND m.status = $11
                RETURNING m.pk, m.tenant_id, m.account_id, o.status, o.ts, o.description),
            confirmed AS (
                UPDATE sends s SET reserved = false FROM updated u
                WHERE u.status = $8 AND s.message_pk = u.pk AND s.reserved
                RETURNING s.message_pk),
            logged AS (
                INSERT INTO sends (tenant_id, account_id, message_pk, sent_ts)
                SELECT tenant_id, account_id, pk, ts FROM updated u WHERE status = $8 AND NOT EXISTS (SELECT 1 FROM confirmed c WHERE c.message_pk = u.pk)),
            unreserved AS (
                DELETE FROM sends s USING updated u WHERE u.status <> $8 AND s.message_pk = u.pk AND s.reserved),
            w AS (SELECT * FROM unnest($12::bigint[], $13::text[]) WITH ORDINALITY AS w(pk, description, n))
            INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description)
            SELECT pk, tenant_id, event_type, ts, description FROM (
                SELECT u.pk, u.tenant_id, $14 AS event_type, u.ts, w.description, w.n AS ord FROM updated u JOIN w ON w.pk = u.pk
                UNION ALL
                SELECT pk, tenant_id, status, ts, description, 2147483647 FROM updated) e
            ORDER BY pk, ord
            """);
        command.Parameters.AddWithValue(outcomes.Select(o => o.Message.Pk).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Status.ToDb()).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Description).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Error).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.Ts).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.DeferredTs).ToArray());
        command.Parameters.AddWithValue(outcomes.Select(o => o.RetryCount).ToArray());
        command.Parameters.AddWithValue(MessageStatus.Sent.ToDb());
        command.Parameters.AddWithValue(MessageStatus.Error.ToDb());
        command.Parameters.AddWithValue(MessageStatus.Deferred.ToDb());
        command.Parameters.AddWithValue(MessageStatus.Sending.ToDb());
        var warned = outcomes.SelectMany(o => o.Warnings.Select(w => (o.Message.Pk, Warning: w))).ToList();
        command.Parameters.AddWithValue(warned.Select(w => w.Pk).ToArray());
        command.Parameters.AddWithValue(warned.Select(w => w.Warning).ToArray());
        command.Parameters.AddWithValue(MessageEventTypes.ToDb(MessageEventType.Warning));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A tenant's messages by <c>pk</c> after <see cref="MessageQuery.Cursor"/>; one more than the limit is read to know whether a next page exists.</summary>
    public async Task<MessageList> ListAsync(MessageQuery query, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT pk, id, tenant_id, account_id, priority, batch_code, status, deferred_ts, sent_ts, error_ts, error, retry_count,
                   created_at, updated_at, payload, bounce_type, bounce_code, bounce_reason, bounce_ts
            FROM messages
            WHERE tenant_id = $1 AND ($2 = false OR status = ANY($7))
              AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR batch_code = $4) AND pk > $5
            ORDER BY pk LIMIT $6
            """);
        command.Parameters.AddWithValue(query.TenantId);
        command.Parameters.AddWithValue(query.ActiveOnly);
        command.Parameters.Add(DbValues.Text(query.Status?.ToDb()));
        command.Parameters.Add(DbValues.Text(query.BatchCode));
        command.Parameters.AddWithValue(query.Cursor);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = query.Limit is { } limit ? limit + 1L : DBNull.Value });
        command.Parameters.AddWithValue(MessageStatuses.Open.ToDb());
        var records = new List<MessageRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(new MessageRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                    reader.StringOrNull(5), MessageStatuses.FromDb(reader.GetString(6)), reader.Int64OrNull(7), reader.Int64OrNull(8), reader.Int64OrNull(9),
                    reader.StringOrNull(10), reader.GetInt32(11), reader.UnixSeconds(12), reader.UnixSeconds(13), reader.Json(14))
                {
                    BounceType = reader.BounceTypeOrNull(15),
                    BounceCode = reader.StringOrNull(16),
                    BounceReason = reader.StringOrNull(17),
                    BounceTs = reader.Int64OrNull(18),
                });
            }
        }

        if (query.Limit is { } pageSize && records.Count > pageSize)
        {
            records.RemoveAt(records.Count - 1);
            return new MessageList(records, records[^1].Pk);
        }

        return new MessageList(records, null);
    }

    /// <returns>The ids that were deleted.</returns>
    public async Task<List<string>> DeleteAsync(string tenantId, string[] ids, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("DELETE FROM messages WHERE tenant_id = $1 AND id = ANY($2) RETURNING id");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(ids);
        var removed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            removed.Add(reader.GetString(0));
        }

        return removed;
    }

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> of the tenant's finished messages after
    /// <paramref name="afterPk"/> (events cascade) whose every reportable event was reported before
    /// <paramref name="reportedBeforeUnixSeconds"/>. A message with an event still unreported (a
    /// bounce not yet reported, say) or never reported at all stays. Rows another transaction holds
    /// are skipped, so enqueue and dispatch never wait on retention.
    /// </summary>
    /// <returns>How many were deleted, and the pk to continue after (unchanged when none were).</returns>
    public async Task<(int Removed, long LastPk)> DeleteReportedAsync(string tenantId, long reportedBeforeUnixSeconds, long afterPk, int batchSize, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(DeleteReportedSql);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(afterPk);
        command.Parameters.AddWithValue(reportedBeforeUnixSeconds);
        command.Parameters.AddWithValue(batchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Messages not finished yet (waiting or being sent), over all tenants: the pending gauge.</summary>
    public async Task<long> CountOpenAsync(CancellationToken cancellationToken)
    {
        // The literal list is messages_claimable's predicate, so the count reads that index, not every message kept.
        await using var command = db.CreateCommand($"SELECT count(*) FROM messages WHERE status IN {OpenList}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Statuses as a SQL literal list, so the planner can match the partial indexes built on them.</summary>
    private static string SqlList(IEnumerable<MessageStatus> statuses) => $"({string.Join(", ", statuses.ToDb().Select(s => $"'{s}'"))})";
}
