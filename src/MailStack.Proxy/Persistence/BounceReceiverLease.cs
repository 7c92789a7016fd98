using System.Text.Json;
using MailStack.Proxy.Bounces.Parsing;
using MailStack.Proxy.Model;
using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// The bounce receiver's turn (<see cref="BounceStore.TryTakeReceiverLeaseAsync"/>) and its writes,
/// all on the connection that holds the lock: the position in a mailbox, and each report recorded
/// together with the position after it, in one transaction — so a restart resumes after the last
/// report handled, and a report is never recorded twice.
/// </summary>
public sealed class BounceReceiverLease : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _lockKey;

    internal BounceReceiverLease(NpgsqlConnection connection, long lockKey)
    {
        _connection = connection;
        _lockKey = lockKey;
    }

    public async Task<MailboxPosition?> PositionAsync(string mailbox, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT uidvalidity, last_uid FROM bounce_mailboxes WHERE mailbox = $1", _connection);
        command.Parameters.AddWithValue(mailbox);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new MailboxPosition(reader.Int64OrNull(0), reader.GetInt64(1)) : null;
    }

    public async Task SavePositionAsync(string mailbox, MailboxPosition position, long nowUnixSeconds, CancellationToken cancellationToken)
    {
        await using var command = PositionCommand(mailbox, position, nowUnixSeconds, null);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Ties a report to its message — by envelope id, else by tracking id when exactly one tenant
    /// has it, else by Message-ID — and records its recipients' bounces. The message becomes
    /// <c>bounced</c> with a <c>bounced</c> event to report when it had no bounce yet or a soft one
    /// turns hard; a recipient already recorded changes nothing. The position moves to
    /// <paramref name="next"/> in the same transaction, except for a report held back.
    /// </summary>
    public async Task<BounceResult> RecordAsync(BounceCorrelation correlation, IReadOnlyList<RecipientBounce> recipients, long nowUnixSeconds,
        string mailbox, MailboxPosition next, CancellationToken cancellationToken)
    {
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        var (result, target) = await ResolveAsync(correlation, transaction, cancellationToken);
        if (target is { } message)
        {
            result = message.Status switch
            {
                MessageStatus.Sending => new BounceResult(BounceRecording.Held, message.TenantId, message.AccountId, message.Id),
                MessageStatus.Sent or MessageStatus.Bounced => await RecordRecipientsAsync(message, recipients, nowUnixSeconds, transaction, cancellationToken),
                _ => new BounceResult(BounceRecording.NotSent, message.TenantId, message.AccountId, message.Id),
            };
        }

        if (result.Recording == BounceRecording.Held)
        {
            await transaction.RollbackAsync(cancellationToken);
            return result;
        }

        await using (var position = PositionCommand(mailbox, next, nowUnixSeconds, transaction))
        {
            await position.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<(BounceResult Result, Target? Message)> ResolveAsync(BounceCorrelation correlation, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string Columns = "pk, tenant_id, id, account_id, status, bounce_type";
        if (correlation.EnvelopeKey is { } envelope)
        {
            // The envelope id is ours and names the tenant: no other message may take it.
            var byEnvelope = await FindAsync($"SELECT {Columns} FROM messages WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [envelope.TenantId, envelope.MessageId], transaction, cancellationToken);
            return Single(byEnvelope);
        }

        if (correlation.TrackingId is { Length: > 0 } trackingId)
        {
            var byTracking = await FindAsync($"SELECT {Columns} FROM messages WHERE id = $1 ORDER BY pk LIMIT 2 FOR UPDATE", [trackingId], transaction, cancellationToken);
            if (byTracking.Count > 1)
            {
                return (new BounceResult(BounceRecording.Ambiguous, MessageId: trackingId), null);
            }

            if (byTracking.Count == 1)
            {
                return Single(byTracking);
            }
        }

        if (correlation.MessageIdKey is { } messageId)
        {
            return Single(await FindAsync($"SELECT {Columns} FROM messages WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [messageId.TenantId, messageId.MessageId], transaction, cancellationToken));
        }

        return (new BounceResult(BounceRecording.NotFound), null);

        // Unique per tenant: one row or none. The result stands for "none"; a target found replaces it.
        static (BounceResult, Target?) Single(List<Target> found) => (new BounceResult(BounceRecording.NotFound), found.Count == 1 ? found[0] : null);
    }

    private async Task<List<Target>> FindAsync(string sql, string[] values, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }

        var found = new List<Target>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new Target(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), MessageStatuses.FromDb(reader.GetString(4)),
                reader.BounceTypeOrNull(5)));
        }

        return found;
    }

    private async Task<BounceResult> RecordRecipientsAsync(Target message, IReadOnlyList<RecipientBounce> recipients, long nowUnixSeconds, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // One row per recipient (the strongest of the report's entries for it), so the upsert touches each row once.
        var distinct = recipients.GroupBy(r => r.Recipient.Trim().ToLowerInvariant())
            .Select(g => g.OrderByDescending(r => r.Type == BounceType.Hard).First() with { Recipient = g.Key })
            .ToList();
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO message_bounces (message_pk, recipient, bounce_type, bounce_code, bounce_reason, bounce_ts)
            SELECT $1, r, t, c, m, $6 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(r, t, c, m)
            ON CONFLICT (message_pk, recipient) DO UPDATE SET bounce_type = excluded.bounce_type, bounce_code = excluded.bounce_code,
                bounce_reason = excluded.bounce_reason, bounce_ts = excluded.bounce_ts
            WHERE message_bounces.bounce_type = $7 AND excluded.bounce_type = $8
            RETURNING recipient, bounce_type, bounce_code, bounce_reason
            """, _connection, transaction);
        upsert.Parameters.AddWithValue(message.Pk);
        upsert.Parameters.AddWithValue(distinct.Select(r => r.Recipient).ToArray());
        upsert.Parameters.AddWithValue(distinct.Select(r => r.Type.ToWire()).ToArray());
        upsert.Parameters.AddWithValue(distinct.Select(r => r.Code).ToArray());
        upsert.Parameters.AddWithValue(distinct.Select(r => r.Reason).ToArray());
        upsert.Parameters.AddWithValue(nowUnixSeconds);
        upsert.Parameters.AddWithValue(BounceType.Soft.ToWire());
        upsert.Parameters.AddWithValue(BounceType.Hard.ToWire());
        var changed = new List<RecipientBounce>();
        await using (var reader = await upsert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                changed.Add(new RecipientBounce(reader.GetString(0), reader.BounceTypeOrNull(1)!.Value, reader.StringOrNull(2) ?? "", reader.StringOrNull(3) ?? ""));
            }
        }

        // The message shows its strongest bounce; an event only when that changes (first bounce, or soft → hard).
        var strongest = changed.OrderByDescending(r => r.Type == BounceType.Hard).FirstOrDefault();
        if (strongest is null || !Outranks(strongest.Type, message.BounceType))
        {
            return new BounceResult(BounceRecording.Unchanged, message.TenantId, message.AccountId, message.Id, message.BounceType);
        }

        await using var bounce = new NpgsqlCommand("""
            WITH updated AS (
                UPDATE messages SET status = $2, bounce_type = $3, bounce_code = $4, bounce_reason = $5, bounce_ts = $6, updated_at = now()
                WHERE pk = $1 RETURNING pk, tenant_id)
            INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description, metadata)
            SELECT pk, tenant_id, $2, $6, $5, $7 FROM updated
            """, _connection, transaction);
        bounce.Parameters.AddWithValue(message.Pk);
        bounce.Parameters.AddWithValue(MessageStatus.Bounced.ToDb());
        bounce.Parameters.AddWithValue(strongest.Type.ToWire());
        bounce.Parameters.Add(DbValues.Text(strongest.Code));
        bounce.Parameters.Add(DbValues.Text(strongest.Reason));
        bounce.Parameters.AddWithValue(nowUnixSeconds);
        bounce.Parameters.Add(DbValues.Jsonb(new BounceEventMetadata(strongest.Type.ToWire(), strongest.Code, strongest.Recipient)));
        await bounce.ExecuteNonQueryAsync(cancellationToken);
        return new BounceResult(BounceRecording.Recorded, message.TenantId, message.AccountId, message.Id, strongest.Type);
    }

    /// <summary>Hard outranks soft: a soft bounce after a hard one never downgrades it.</summary>
    private static bool Outranks(BounceType type, BounceType? current) => current is null || (type == BounceType.Hard && current == BounceType.Soft);

    private NpgsqlCommand PositionCommand(string mailbox, MailboxPosition position, long nowUnixSeconds, NpgsqlTransaction? transaction)
    {
        var command = new NpgsqlCommand("""
            INSERT INTO bounce_mailboxes (mailbox, uidvalidity, last_uid, last_sync) VALUES ($1, $2, $3, $4)
            ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, last_sync = excluded.last_sync
            """, _connection, transaction);
        command.Parameters.AddWithValue(mailbox);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, position.UidValidity.OrNull());
        command.Parameters.AddWithValue(position.LastUid);
        command.Parameters.AddWithValue(nowUnixSeconds);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // The lock is per session and pooled connections keep their session: let go explicitly.
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            unlock.Parameters.AddWithValue(_lockKey);
            await unlock.ExecuteNonQueryAsync(quick.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is gone, and the lock with it.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    private sealed record Target(long Pk, string TenantId, string Id, string AccountId, MessageStatus Status, BounceType? BounceType);

    /// <summary>The history entry's metadata: what the delivery report adds to the reason.</summary>
    private sealed record BounceEventMetadata(string BounceType, string BounceCode, string Recipient);
}
