using MailStack.Proxy.Persistence;
using MailStack.Tests.Proxy.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// What a claim costs the database: messages it cannot send (a suspended tenant's backlog) are not
/// read. The claim runs every time a message is added, so reading them made enqueue and delivery
/// slow down with every message a suspended tenant kept waiting.
/// </summary>
public sealed class ProxyClaimCostTests(StackFixture stack)
{
    private const int Backlog = 2_000;

    [Fact]
    public async Task A_claim_reads_none_of_a_suspended_tenants_backlog()
    {
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        // The proxy's settings, on one connection, so the statistics read below include this
        // session's: PostgreSQL hands a session's counters over when it next goes idle after
        // pg_stat_force_next_flush().
        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 1 };
        DatabaseSettings.Apply(settings);
        await using var db = NpgsqlDataSource.Create(settings.ConnectionString);
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Cancellation);
        // As on a queue that just filled: no statistics yet (autovacuum would gather them at its own time).
        await ExecuteAsync(db, $$"""
            ALTER TABLE messages SET (autovacuum_enabled = false);
            INSERT INTO tenants (id, suspended_batches) VALUES ('held', '{*}'), ('ready', '{}');
            INSERT INTO messages (tenant_id, id, account_id, payload) SELECT 'held', 'h' || i, 'main', jsonb_build_object('body', repeat('x', 1024)) FROM generate_series(1, {{Backlog}}) i;
            INSERT INTO messages (tenant_id, id, account_id, payload) VALUES ('ready', 'r1', 'main', '{}'), ('ready', 'r2', 'main', '{}');
            """);
        var before = await MessagesReadAsync(db);

        var claimed = await new MessageQueue(db).ClaimAsync(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 400, TimeSpan.FromMinutes(5), TimeSpan.Zero, Cancellation);

        Assert.Equal(["r1", "r2"], claimed.Select(m => m.Id));
        var read = await MessagesReadAsync(db) - before;
        // The two claimed, found through the index and then updated: a handful of reads, not the backlog.
        Assert.True(read < 20, $"the claim read {read} messages; the suspended tenant has {Backlog}");
    }

    /// <summary>Rows of <c>messages</c> read so far by sequential and index scans, this session's included.</summary>
    private static async Task<long> MessagesReadAsync(NpgsqlDataSource db)
    {
        await ExecuteAsync(db, "SELECT pg_stat_force_next_flush()");
        await using var read = db.CreateCommand("""
            SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = 'messages'
            """);
        return (long)(await read.ExecuteScalarAsync(Cancellation))!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancellation);
    }
}
