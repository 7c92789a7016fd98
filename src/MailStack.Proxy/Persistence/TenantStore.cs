using MailStack.Proxy.Model;
using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>Every statement on <c>tenants</c>: records, API key hashes (their lookups kept for a second by <see cref="ApiKeyCache"/>) and suspended batches.</summary>
public sealed class TenantStore(NpgsqlDataSource db, ApiKeyCache keys)
{
    private const string Columns = "id, name, client_base_url, client_sync_path, client_attachment_path, client_auth, large_file_config, retention_seconds, active, suspended_batches, created_at, updated_at";

    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT 1 FROM tenants WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <returns>False when a tenant with that id exists already (created concurrently, say).</returns>
    public async Task<bool> CreateAsync(string id, TenantPayload tenant, byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        await using var insert = db.CreateCommand("""
            INSERT INTO tenants (id, name, client_base_url, client_sync_path, client_attachment_path, client_auth, large_file_config, retention_seconds, active, api_key_hash)
            VALUES ($1, $2, $3, coalesce($4, '/mail-proxy/sync'), coalesce($5, '/mail-proxy/attachments'), $6, $7, coalesce($8, 604800), coalesce($9, true), $10)
            """);
        insert.Parameters.AddWithValue(id);
        insert.Parameters.Add(DbValues.Text(tenant.Name.Value));
        insert.Parameters.Add(DbValues.Text(tenant.ClientBaseUrl.Value));
        insert.Parameters.Add(DbValues.Text(tenant.ClientSyncPath.Value));
        insert.Parameters.Add(DbValues.Text(tenant.ClientAttachmentPath.Value));
        insert.Parameters.Add(DbValues.Jsonb(tenant.ClientAuth.Value));
        insert.Parameters.Add(DbValues.Jsonb(tenant.LargeFileConfig.Value));
        insert.Parameters.AddWithValue(tenant.RetentionSeconds.Value.OrNull());
        insert.Parameters.AddWithValue(tenant.Active.Value.OrNull());
        insert.Parameters.AddWithValue(apiKeyHash);
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    /// <summary>Changes only the fields present in <paramref name="tenant"/>; a null retention or active is left as it is.</summary>
    /// <returns>False when there is no such tenant.</returns>
    public async Task<bool> UpdateAsync(string id, TenantPayload tenant, CancellationToken cancellationToken)
    {
        var sets = new List<string> { "updated_at = now()" };
        await using var command = db.CreateCommand();
        command.Parameters.AddWithValue(id);
        void Set(string column, NpgsqlParameter parameter)
        {
            command.Parameters.Add(parameter);
            sets.Add($"{column} = ${command.Parameters.Count}");
        }

        foreach (var (column, value) in new[]
        {
            ("name", tenant.Name), ("client_base_url", tenant.ClientBaseUrl),
            ("client_sync_path", tenant.ClientSyncPath), ("client_attachment_path", tenant.ClientAttachmentPath),
        })
        {
            if (value.IsSet)
            {
                Set(column, DbValues.Text(value.Value));
            }
        }

        if (tenant.ClientAuth.IsSet)
        {
            Set("client_auth", DbValues.Jsonb(tenant.ClientAuth.Value));
        }

        if (tenant.LargeFileConfig.IsSet)
        {
            Set("large_file_config", DbValues.Jsonb(tenant.LargeFileConfig.Value));
        }

        if (tenant.RetentionSeconds.TryGet(out var retention))
        {
            Set("retention_seconds", new NpgsqlParameter { Value = retention });
        }

        if (tenant.Active.TryGet(out var active))
        {
            Set("active", new NpgsqlParameter { Value = active });
        }

        command.CommandText = $"UPDATE tenants SET {string.Join(", ", sets)} WHERE id = $1";
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<TenantRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM tenants WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<List<TenantRecord>> ListAsync(bool activeOnly, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM tenants WHERE ($1 = false OR active) ORDER BY id");
        command.Parameters.AddWithValue(activeOnly);
        var tenants = new List<TenantRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(Read(reader));
        }

        return tenants;
    }

    /// <summary>Deletes the tenant with its accounts, messages and events (the foreign keys cascade); its key stops working at once.</summary>
    public async Task<bool> DeleteAsync(string id)
    {
        var command = db.CreateCommand("DELETE FROM tenants WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await ChangeKeysAsync(command);
    }

    /// <summary>Replaces the tenant's key hash (rotation), or removes it (<paramref name="apiKeyHash"/> null: revocation); the old key stops working at once.</summary>
    public async Task<bool> SetApiKeyAsync(string id, byte[]? apiKeyHash)
    {
        var command = db.CreateCommand("UPDATE tenants SET api_key_hash = $2, api_key_expires_at = NULL, updated_at = now() WHERE id = $1");
        command.Parameters.AddWithValue(id);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, Value = apiKeyHash.OrNull() });
        return await ChangeKeysAsync(command);
    }

    /// <summary>The tenant whose current, unexpired key has this hash.</summary>
    public async Task<string?> FindByApiKeyAsync(byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        if (keys.TryGet(apiKeyHash, out var cached))
        {
            return cached;
        }

        var generation = keys.Generation;
        await using var command = db.CreateCommand(
            "SELECT id, api_key_expires_at FROM tenants WHERE api_key_hash = $1 AND (api_key_expires_at IS NULL OR api_key_expires_at > now())");
        command.Parameters.AddWithValue(apiKeyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var tenantId = reader.GetString(0);
        keys.Add(apiKeyHash, tenantId, reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), generation);
        return tenantId;
    }

    /// <summary>
    /// Changes the tenant's suspended batches under a row lock, so concurrent suspends and activates
    /// do not lose each other, and counts the waiting messages <paramref name="target"/> covers.
    /// </summary>
    /// <param name="change">The new set from the current one; null refuses the change (nothing is written).</param>
    /// <returns>Null when there is no such tenant.</returns>
    public async Task<SuspensionChange?> ChangeSuspensionAsync(string tenantId, string target, Func<string[], string[]?> change, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string[] current;
        await using (var read = new NpgsqlCommand("SELECT suspended_batches FROM tenants WHERE id = $1 FOR NO KEY UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue(tenantId);
            if (await read.ExecuteScalarAsync(cancellationToken) is not string[] batches)
            {
                return null;
            }

            current = batches;
        }

        if (change(current) is not { } updated)
        {
            return new SuspensionChange(current, null, 0);
        }

        await using (var write = new NpgsqlCommand("UPDATE tenants SET suspended_batches = $2, updated_at = now() WHERE id = $1", connection, transaction))
        {
            write.Parameters.AddWithValue(tenantId);
            write.Parameters.AddWithValue(updated);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        long waiting;
        await using (var count = new NpgsqlCommand(
            "SELECT count(*) FROM messages WHERE tenant_id = $1 AND status = ANY($3) AND ($2::text = '*' OR batch_code = $2)", connection, transaction))
        {
            count.Parameters.AddWithValue(tenantId);
            count.Parameters.AddWithValue(target);
            count.Parameters.AddWithValue(MessageStatuses.Waiting.ToDb());
            waiting = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return new SuspensionChange(current, updated, waiting);
    }

    /// <summary>
    /// Runs a statement that changes which keys are valid, then drops the kept key lookups. It is not
    /// cancelled, so its outcome is known before they are dropped; and they are dropped when it fails
    /// too, as it may have committed before the failure reached us.
    /// </summary>
    /// <returns>Whether it changed a row.</returns>
    private async Task<bool> ChangeKeysAsync(NpgsqlCommand command)
    {
        try
        {
            await using (command)
            {
                return await command.ExecuteNonQueryAsync(CancellationToken.None) > 0;
            }
        }
        finally
        {
            keys.Invalidate();
        }
    }

    private static TenantRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.StringOrNull(1),
        reader.StringOrNull(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.JsonOrNull<ClientAuth>(5),
        reader.JsonOrNull<LargeFileConfig>(6),
        reader.GetInt32(7),
        reader.GetBoolean(8),
        reader.GetFieldValue<string[]>(9),
        reader.UnixSeconds(10),
        reader.UnixSeconds(11));
}
