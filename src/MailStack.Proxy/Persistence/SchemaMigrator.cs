using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// Versioned schema migrations applied at start-up. A PostgreSQL advisory lock makes them safe
/// when several replicas start together: one applies, the others wait and find nothing to do.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    private const long AdvisoryLockKey = 0x4D61696C53746B; // "MailStk"

    /// <summary>Append only: a shipped migration is never edited.</summary>
    private static readonly (int Version, string Sql)[] Migrations =
    [
        (1, """
            CREATE TABLE tenants (
                id text PRIMARY KEY,
                name text,
                client_base_url text,
                client_sync_path text NOT NULL DEFAULT '/mail-proxy/sync',
                client_attachment_path text NOT NULL DEFAULT '/mail-proxy/attachments',
                client_auth jsonb,
                large_file_config jsonb,
                retention_seconds integer NOT NULL DEFAULT 604800,
                active boolean NOT NULL DEFAULT true,
                suspended_batches text[] NOT NULL DEFAULT '{}',
                api_key_hash bytea,
                api_key_expires_at timestamptz,
                next_sync_after bigint,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE accounts (
                tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                id text NOT NULL,
                host text NOT NULL,
                port integer NOT NULL,
                user_name text,
                password text,
                use_tls boolean,
                limit_per_minute integer,
                limit_per_hour integer,
                limit_per_day integer,
                limit_behavior text NOT NULL DEFAULT 'defer',
                batch_size integer NOT NULL DEFAULT 50,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id)
            );
            CREATE TABLE messages (
                pk bigserial PRIMARY KEY,
                tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                id text NOT NULL,
                account_id text NOT NULL,
                priority integer NOT NULL DEFAULT 2,
                batch_code text,
                status text NOT NULL DEFAULT 'pending',
                deferred_ts bigint,
                sent_ts bigint,
                error_ts bigint,
                error text,
                retry_count integer NOT NULL DEFAULT 0,
                claimed_until timestamptz,
                payload jsonb NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (tenant_id, id)
            );
            CREATE INDEX messages_ready ON messages (priority, created_at) WHERE status IN ('pending', 'deferred');
            CREATE TABLE message_events (
                id bigserial PRIMARY KEY,
                message_pk bigint NOT NULL REFERENCES messages(pk) ON DELETE CASCADE,
                tenant_id text NOT NULL,
                event_type text NOT NULL,
                event_ts bigint NOT NULL,
                description text,
                metadata jsonb,
                reported_ts bigint
            );
            CREATE INDEX message_events_unreported ON message_events (tenant_id) WHERE reported_ts IS NULL;
            """),
        (2, "ALTER TABLE tenants ADD COLUMN last_sync_ts bigint;"),
        (3, """
            ALTER TABLE messages ADD COLUMN trace_parent text;
            CREATE TABLE sends (
                id bigserial PRIMARY KEY,
                tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                account_id text NOT NULL,
                message_pk bigint,
                sent_ts bigint NOT NULL
            );
            CREATE INDEX sends_window ON sends (tenant_id, account_id, sent_ts);
            """),
        // When the message was (re-)enqueued: Dispatch:DispatchDelayAfterEnqueue counts from here.
        (4, "ALTER TABLE messages ADD COLUMN enqueued_at timestamptz NOT NULL DEFAULT now();"),
        // Rate limits and retention: a send admitted under a limit is logged at once as reserved (in
        // flight), so every replica counts it; finished messages are found per tenant for retention,
        // and a message's events by message (the cascade on delete and the retention check).
        (5, """
            ALTER TABLE sends ADD COLUMN reserved boolean NOT NULL DEFAULT false;
            CREATE INDEX sends_reserved ON sends (message_pk) WHERE reserved;
            CREATE INDEX sends_age ON sends (sent_ts);
            CREATE INDEX message_events_message ON message_events (message_pk);
            CREATE INDEX messages_finished ON messages (tenant_id, pk) WHERE status IN ('sent', 'error', 'bounced');
            """),
        // Bounces: the instance's settings (genro's singleton row), the receiver's position per
        // mailbox, each message's bounce and each bounced recipient (a report seen twice changes
        // nothing); a tracking id is looked up over all tenants.
        (6, """
            CREATE TABLE instance (
                id integer PRIMARY KEY CHECK (id = 1),
                name text NOT NULL DEFAULT 'mail-proxy',
                bounce_enabled boolean NOT NULL DEFAULT false,
                bounce_imap_host text,
                bounce_imap_port integer NOT NULL DEFAULT 993,
                bounce_imap_user text,
                bounce_imap_password text,
                bounce_imap_folder text NOT NULL DEFAULT 'INBOX',
                bounce_imap_ssl boolean NOT NULL DEFAULT true,
                bounce_poll_interval integer NOT NULL DEFAULT 60,
                bounce_return_path text,
                bounce_delete_processed boolean NOT NULL DEFAULT false,
                settings_source text NOT NULL DEFAULT 'default',
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            INSERT INTO instance (id) VALUES (1);
            CREATE TABLE bounce_mailboxes (
                mailbox text PRIMARY KEY,
                uidvalidity bigint,
                last_uid bigint NOT NULL DEFAULT 0,
                last_sync bigint
            );
            ALTER TABLE messages ADD COLUMN bounce_type text, ADD COLUMN bounce_code text, ADD COLUMN bounce_reason text, ADD COLUMN bounce_ts bigint;
            CREATE INDEX messages_id ON messages (id);
            CREATE TABLE message_bounces (
                message_pk bigint NOT NULL REFERENCES messages(pk) ON DELETE CASCADE,
                recipient text NOT NULL,
                bounce_type text NOT NULL,
                bounce_code text,
                bounce_reason text,
                bounce_ts bigint NOT NULL,
                PRIMARY KEY (message_pk, recipient)
            );
            """),
        // Claims go tenant by tenant (MessageQueue.ClaimAsync), so a suspended tenant's backlog is not
        // read on every claim; messages being sent are in the index too, so an expired lease is found
        // the same way. It replaces messages_ready (still one index entry per message), dropped last:
        // dropping locks the table out for readers until the transaction ends.
        (7, """
            CREATE INDEX messages_claimable ON messages (tenant_id, priority, created_at, pk) WHERE status IN ('pending', 'deferred', 'sending');
            DROP INDEX messages_ready;
            """),
        // The payload is stored as the client sent it (json), not parsed into jsonb: nothing queries
        // inside it, and jsonb's parse took a tenth of PostgreSQL's time in an add-messages.
        (8, "ALTER TABLE messages ALTER COLUMN payload TYPE json USING payload::json;"),
    ];

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection))
        {
            lockCommand.Parameters.AddWithValue(AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var create = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var current = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations", connection);
            var applied = (int)(await current.ExecuteScalarAsync(cancellationToken))!;
            foreach (var (version, sql) in Migrations.Where(m => m.Version > applied))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // No time limit: a migration that rewrites a large table (8) runs as long as it needs.
                await using (var migrate = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 })
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.AddWithValue(version);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied schema migration {Version}", version);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            unlock.Parameters.AddWithValue(AdvisoryLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
