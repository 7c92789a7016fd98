using MailStack.Proxy.Persistence;
using MailStack.Tests.Proxy.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The claim against a queue of its own (a scratch database, no proxy running): what it takes, in
/// which order, and what it costs the database. The claim runs every time a message is added, so
/// reading messages it cannot send (a suspended tenant's backlog) made enqueue and delivery slow
/// down with every message such a tenant kept waiting.
/// </summary>
public sealed class ProxyClaimTests(StackFixture stack)
{
    private const int Backlog = 2_000;

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_claim_takes_the_most_urgent_oldest_messages_over_all_tenants_and_nothing_held_back()
    {
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var db = await QueueAsync(database, pooled: true);
        // Tenant b holds back its batch "hold"; tenant c is wholly suspended. Priority 0 goes first.
        await ExecuteAsync(db, """
            INSERT INTO tenants (id, suspended_batches) VALUES ('a', '{}'), ('b', '{hold}'), ('c', '{*}');
            INSERT INTO messages (tenant_id, id, account_id, priority, created_at, status, claimed_until, deferred_ts, batch_code, payload) VALUES
                ('a', 'a-expired-lease', 'main', 1, now() - interval '30 min', 'sending', now() - interval '1 min', NULL, NULL, '{}'),
                ('b', 'b-urgent-old', 'main', 1, now() - interval '20 min', 'pending', NULL, NULL, NULL, '{}'),
                ('a', 'a-urgent-new', 'main', 1, now() - interval '1 min', 'pending', NULL, NULL, NULL, '{}'),
                ('b', 'b-medium-old', 'main', 2, now() - interval '10 min', 'deferred', NULL, 0, NULL, '{}'),
                ('a', 'a-medium-new', 'main', 2, now() - interval '5 min', 'pending', NULL, NULL, NULL, '{}'),
                ('b', 'b-held-batch', 'main', 0, now() - interval '40 min', 'pending', NULL, NULL, 'hold', '{}'),
                ('c', 'c-suspended', 'main', 0, now() - interval '40 min', 'pending', NULL, NULL, NULL, '{}'),
                ('a', 'a-deferred-later', 'main', 0, now() - interval '40 min', 'deferred', NULL, 4102444800, NULL, '{}'),
                ('b', 'b-live-lease', 'main', 0, now() - interval '40 min', 'sending', now() + interval '5 min', NULL, NULL, '{}'),
                ('a', 'a-sent', 'main', 0, now() - interval '40 min', 'sent', NULL, NULL, NULL, '{}');
            """);
        var queue = new MessageQueue(db);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var first = await queue.ClaimAsync(now, 4, Lease, TimeSpan.Zero, Cancellation);
        var second = await queue.ClaimAsync(now, 10, Lease, TimeSpan.Zero, Cancellation);
        var third = await queue.ClaimAsync(now, 10, Lease, TimeSpan.Zero, Cancellation);

        Assert.Equal(["a-expired-lease", "a-urgent-new", "b-medium-old", "b-urgent-old"], first.Select(m => m.Id).Order());
        Assert.Equal(["a-medium-new"], second.Select(m => m.Id));
        Assert.Empty(third);
    }

    [Fact]
    public async Task A_claim_reads_none_of_a_suspended_tenants_backlog()
    {
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        // One connection, so the statistics read below include this session's: PostgreSQL hands a
        // session's counters over when it next goes idle after pg_stat_force_next_flush().
        await using var db = await QueueAsync(database, pooled: false);
        // As on a queue that just filled: no statistics yet (autovacuum would gather them at its own time).
        await ExecuteAsync(db, $$"""
            ALTER TABLE messages SET (autovacuum_enabled = false);
            INSERT INTO tenants (id, suspended_batches) VALUES ('held', '{*}'), ('ready', '{}');
            INSERT INTO messages (tenant_id, id, account_id, payload) SELECT 'held', 'h' || i, 'main', jsonb_build_object('body', repeat('x', 1024)) FROM generate_series(1, {{Backlog}}) i;
            INSERT INTO messages (tenant_id, id, account_id, payload) VALUES ('ready', 'r1', 'main', '{}'), ('ready', 'r2', 'main', '{}');
            """);
        var before = await MessagesReadAsync(db);

        var claimed = await new MessageQueue(db).ClaimAsync(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 400, Lease, TimeSpan.Zero, Cancellation);

        Assert.Equal(["r1", "r2"], claimed.Select(m => m.Id));
        var read = await MessagesReadAsync(db) - before;
        // The two claimed, found through the index, locked and then updated: a handful of reads, not the backlog.
        Assert.True(read < 20, $"the claim read {read} messages or index entries; the suspended tenant has {Backlog}");
    }

    /// <summary>The proxy's schema and connection settings on <paramref name="database"/>; one connection unless <paramref name="pooled"/>.</summary>
    private static async Task<NpgsqlDataSource> QueueAsync(ScratchDatabase database, bool pooled)
    {
        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        if (!pooled)
        {
            settings.MaxPoolSize = 1;
        }

        DatabaseSettings.Apply(settings);
        var db = NpgsqlDataSource.Create(settings.ConnectionString);
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Cancellation);
        return db;
    }

    /// <summary>
    /// Rows of <c>messages</c> read so far by sequential and index scans, and entries read from its
    /// indexes (a bitmap scan reads entries without fetching their rows), this session's included.
    /// </summary>
    private static async Task<long> MessagesReadAsync(NpgsqlDataSource db)
    {
        await ExecuteAsync(db, "SELECT pg_stat_force_next_flush()");
        await using var read = db.CreateCommand("""
            SELECT coalesce(t.seq_tup_read, 0) + coalesce(t.idx_tup_fetch, 0)
                 + (SELECT coalesce(sum(i.idx_tup_read), 0)::bigint FROM pg_stat_user_indexes i WHERE i.relid = t.relid)
            FROM pg_stat_user_tables t WHERE t.relname = 'messages'
            """);
        return (long)(await read.ExecuteScalarAsync(Cancellation))!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancellation);
    }
}
