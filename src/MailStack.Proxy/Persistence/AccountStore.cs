using MailStack.Proxy.Model;
using Npgsql;
using NpgsqlTypes;

namespace MailStack.Proxy.Persistence;

/// <summary>Every statement on <c>accounts</c>: a tenant's SMTP accounts, their credentials and rate limits.</summary>
public sealed class AccountStore(NpgsqlDataSource db)
{
    /// <summary>Inserts or replaces the account on <c>(tenant_id, id)</c>.</summary>
    /// <returns>False when the tenant does not exist.</returns>
    public async Task<bool> UpsertAsync(AccountPayload account, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO accounts (tenant_id, id, host, port, user_name, password, use_tls, limit_per_minute, limit_per_hour, limit_per_day, limit_behavior, batch_size)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, $13) WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)
            ON CONFLICT (tenant_id, id) DO UPDATE SET host = excluded.host, port = excluded.port, user_name = excluded.user_name,
                password = excluded.password, use_tls = excluded.use_tls, limit_per_minute = excluded.limit_per_minute,
                limit_per_hour = excluded.limit_per_hour, limit_per_day = excluded.limit_per_day,
                limit_behavior = excluded.limit_behavior, batch_size = excluded.batch_size, updated_at = now()
            """);
        command.Parameters.AddWithValue(account.TenantId!);
        command.Parameters.AddWithValue(account.Id!);
        command.Parameters.AddWithValue(account.Host!);
        command.Parameters.AddWithValue(account.Port!.Value);
        command.Parameters.Add(DbValues.Text(account.User));
        command.Parameters.Add(DbValues.Text(account.Password));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = account.UseTls.OrNull() });
        command.Parameters.Add(Int(account.LimitPerMinute));
        command.Parameters.Add(Int(account.LimitPerHour));
        command.Parameters.Add(Int(account.LimitPerDay));
        command.Parameters.AddWithValue(ToDb(account.LimitBehavior ?? LimitBehavior.Defer));
        command.Parameters.Add(Int(account.BatchSize));
        command.Parameters.AddWithValue(AccountPayload.DefaultBatchSize);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<List<AccountRecord>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT id, tenant_id, host, port, user_name, use_tls, limit_per_minute, limit_per_hour, limit_per_day, limit_behavior, batch_size
            FROM accounts WHERE tenant_id = $1 ORDER BY id
            """);
        command.Parameters.AddWithValue(tenantId);
        var accounts = new List<AccountRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(new AccountRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.StringOrNull(4),
                reader.BooleanOrNull(5), reader.Int32OrNull(6), reader.Int32OrNull(7), reader.Int32OrNull(8), FromDb(reader.GetString(9)), reader.GetInt32(10)));
        }

        return accounts;
    }

    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("DELETE FROM accounts WHERE tenant_id = $1 AND id = $2");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The account with its credentials and limits, for sending.</summary>
    public async Task<SmtpAccount?> GetForSendingAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT host, port, user_name, password, use_tls, limit_per_minute, limit_per_hour, limit_per_day, limit_behavior
            FROM accounts WHERE tenant_id = $1 AND id = $2
            """);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SmtpAccount(tenantId, id, reader.GetString(0), reader.GetInt32(1), reader.StringOrNull(2), reader.StringOrNull(3), reader.BooleanOrNull(4),
                reader.Int32OrNull(5), reader.Int32OrNull(6), reader.Int32OrNull(7), FromDb(reader.GetString(8)))
            : null;
    }

    private static NpgsqlParameter Int(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value.OrNull() };

    private static string ToDb(LimitBehavior behavior) => behavior == LimitBehavior.Reject ? "reject" : "defer";

    private static LimitBehavior FromDb(string value) => value == "reject" ? LimitBehavior.Reject : LimitBehavior.Defer;
}
