using MailStack.Proxy.RateLimits;
using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// The <c>sends</c> log the rate limits count: admitting an account's messages against its limits
/// (a reservation per admitted message, so sends in flight count on every replica) and pruning
/// rows older than the longest window. Sends themselves are logged, and reservations turned into
/// sends or dropped, with their outcome by <see cref="MessageQueue.RecordOutcomesAsync"/>.
/// </summary>
public sealed class SendLog(NpgsqlDataSource db)
{
    /// <summary>
    /// Decides how many of <paramref name="messagePks"/> (in sending order) may go now and reserves a
    /// send for each of them. A transaction lock per account makes replicas take turns, so the count
    /// each one reads already holds the other's reservations: no window ever admits more than its limit.
    /// </summary>
    public async Task<SendAdmission> AdmitAsync(string tenantId, string accountId, SendLimits limits, IReadOnlyList<long> messagePks, long nowUnixSeconds, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        SendUsage usage;
        await using (var count = new NpgsqlBatch(connection, transaction))
        {
            // Separate statements: under READ COMMITTED the count's snapshot is taken after the lock is held.
            count.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended('mailstack-sends:' || $1 || '/' || $2, 0))")
            {
                Parameters = { new() { Value = tenantId }, new() { Value = accountId } },
            });
            count.BatchCommands.Add(new NpgsqlBatchCommand("""
                SELECT count(*) FILTER (WHERE sent_ts >= $3), count(*) FILTER (WHERE sent_ts >= $4), count(*)
                FROM sends WHERE tenant_id = $1 AND account_id = $2 AND sent_ts >= $5
                """)
            {
                Parameters =
                {
                    new() { Value = tenantId }, new() { Value = accountId }, new() { Value = RateWindow.Minute.StartOf(nowUnixSeconds) },
                    new() { Value = RateWindow.Hour.StartOf(nowUnixSeconds) }, new() { Value = RateWindow.Day.StartOf(nowUnixSeconds) },
                },
            });
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            usage = new SendUsage(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        var admission = SendAdmission.Decide(limits, usage, messagePks.Count, nowUnixSeconds);
        if (admission.Admitted > 0)
        {
            await using var reserve = new NpgsqlCommand("""
                INSERT INTO sends (tenant_id, account_id, message_pk, sent_ts, reserved) SELECT $1, $2, pk, $4, true FROM unnest($3::bigint[]) AS pk
                """, connection, transaction);
            reserve.Parameters.AddWithValue(tenantId);
            reserve.Parameters.AddWithValue(accountId);
            reserve.Parameters.AddWithValue(messagePks.Take(admission.Admitted).ToArray());
            reserve.Parameters.AddWithValue(nowUnixSeconds);
            await reserve.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return admission;
    }

    /// <summary>Deletes up to <paramref name="batchSize"/> sends logged before <paramref name="beforeUnixSeconds"/>.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> PruneAsync(long beforeUnixSeconds, int batchSize, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            DELETE FROM sends WHERE id IN (SELECT id FROM sends WHERE sent_ts < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
            """);
        command.Parameters.AddWithValue(beforeUnixSeconds);
        command.Parameters.AddWithValue(batchSize);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
