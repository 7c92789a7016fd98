using MailStack.Proxy.Model;
using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// Message events and the reporting of them: history for the API, the tenants due a report or
/// heartbeat, their unreported events, and the tenant's sync state once a report was acknowledged.
/// Events are written with their outcome by <see cref="MessageQueue.RecordOutcomesAsync"/>.
/// </summary>
public sealed class EventStore(NpgsqlDataSource db, LeaseConnections leases)
{
    private static readonly string ReportedTypes = $"({string.Join(", ", MessageStatuses.Reported.ToDb().Select(s => $"'{s}'"))})";

    /// <summary>The history of each message, oldest event first.</summary>
    public async Task<Dictionary<long, List<MessageEvent>>> HistoryAsync(long[] messagePks, CancellationToken cancellationToken)
    {
        var history = messagePks.ToDictionary(pk => pk, _ => new List<MessageEvent>());
        await using var command = db.CreateCommand("""
            SELECT message_pk, event_type, event_ts, description, metadata, reported_ts FROM message_events
            WHERE message_pk = ANY($1) ORDER BY id
            """);
        command.Parameters.AddWithValue(messagePks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            history[reader.GetInt64(0)].Add(new MessageEvent(MessageEventTypes.FromDb(reader.GetString(1)), reader.GetInt64(2), reader.StringOrNull(3),
                reader.IsDBNull(4) ? null : reader.Json(4), reader.Int64OrNull(5)));
        }

        return history;
    }

    /// <summary>
    /// Active tenants with an endpoint that have unreported events, or whose last sync is older
    /// than <paramref name="syncInterval"/> and who did not ask for quiet (<c>next_sync_after</c>).
    /// </summary>
    public async Task<List<ReportTarget>> DueTargetsAsync(long nowUnixSeconds, TimeSpan syncInterval, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            SELECT t.id, t.client_base_url || t.client_sync_path, t.client_auth FROM tenants t
            WHERE t.active AND t.client_base_url IS NOT NULL
              AND (EXISTS (SELECT 1 FROM message_events e WHERE e.tenant_id = t.id AND e.reported_ts IS NULL
                           AND e.event_type IN {ReportedTypes})
                   OR (coalesce(t.last_sync_ts, 0) + $2 <= $1 AND coalesce(t.next_sync_after, 0) <= $1))
            """);
        command.Parameters.AddWithValue(nowUnixSeconds);
        command.Parameters.AddWithValue((long)syncInterval.TotalSeconds);
        var targets = new List<ReportTarget>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            targets.Add(new ReportTarget(reader.GetString(0), reader.GetString(1), reader.JsonOrNull<ClientAuth>(2)));
        }

        return targets;
    }

    /// <summary>
    /// One reporter per tenant at a time across replicas: a transaction-scoped advisory lock on a
    /// connection of its own, held until the returned turn is disposed.
    /// </summary>
    /// <returns>The turn, or null when another replica is reporting to this tenant.</returns>
    public async Task<IAsyncDisposable?> TryTakeReportTurnAsync(string tenantId, CancellationToken cancellationToken)
    {
        var connection = await leases.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var turn = new ReportTurn(connection, transaction);
        try
        {
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtextextended('mailstack-report:' || $1, 0))", connection, transaction);
            take.Parameters.AddWithValue(tenantId);
            if (await take.ExecuteScalarAsync(cancellationToken) is true)
            {
                return turn;
            }
        }
        catch
        {
            await turn.DisposeAsync();
            throw;
        }

        await turn.DisposeAsync();
        return null;
    }

    /// <summary>The tenant's oldest unreported outcome events, at most <paramref name="limit"/>.</summary>
    public async Task<List<UnreportedEvent>> UnreportedAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            SELECT e.id, m.id, e.event_type, e.event_ts, e.description, e.metadata ->> 'bounce_type', e.metadata ->> 'bounce_code'
            FROM message_events e JOIN messages m ON m.pk = e.message_pk
            WHERE e.tenant_id = $1 AND e.reported_ts IS NULL AND e.event_type IN {ReportedTypes}
            ORDER BY e.id LIMIT $2
            """);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(limit);
        var events = new List<UnreportedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new UnreportedEvent(reader.GetInt64(0), reader.GetString(1), MessageStatuses.FromDb(reader.GetString(2)), reader.GetInt64(3), reader.StringOrNull(4))
            {
                // A bounce's type and code travel in its event's metadata (BounceReceiverLease writes them).
                BounceType = reader.BounceTypeOrNull(5),
                BounceCode = reader.StringOrNull(6),
            });
        }

        return events;
    }

    /// <summary>The tenant acknowledged a report: exactly those events are reported, and its sync state is updated, in one transaction.</summary>
    public async Task MarkReportedAsync(string tenantId, long[] eventIds, long nowUnixSeconds, long? nextSyncAfter, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var mark = new NpgsqlCommand("UPDATE message_events SET reported_ts = $2 WHERE id = ANY($1)", connection, transaction))
        {
            mark.Parameters.AddWithValue(eventIds);
            mark.Parameters.AddWithValue(nowUnixSeconds);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var synced = new NpgsqlCommand("UPDATE tenants SET last_sync_ts = $2, next_sync_after = $3 WHERE id = $1", connection, transaction))
        {
            synced.Parameters.AddWithValue(tenantId);
            synced.Parameters.AddWithValue(nowUnixSeconds);
            synced.Parameters.AddWithValue(nextSyncAfter.OrNull());
            await synced.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Lifts a tenant's do-not-disturb (run-now by the tenant).</summary>
    public async Task ClearNextSyncAfterAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var clear = db.CreateCommand("UPDATE tenants SET next_sync_after = NULL WHERE id = $1");
        clear.Parameters.AddWithValue(tenantId);
        await clear.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class ReportTurn(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync(); // rolls back: the lock goes with the transaction
            await connection.DisposeAsync();
        }
    }
}
