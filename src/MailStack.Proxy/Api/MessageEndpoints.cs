using System.Text.Json;
using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Security;
using Npgsql;
using NpgsqlTypes;

namespace MailStack.Proxy.Api;

/// <summary>Enqueueing (add-messages), listing and deleting messages, and run-now.</summary>
internal static class MessageEndpoints
{
    public const int MaxMessagesPerRequest = 1000;
    private static readonly string[] RequiredFields = ["id", "tenant_id", "account_id", "from", "to", "subject"];

    public static void MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/commands/add-messages", AddAsync);
        app.MapGet("/messages", ListAsync);
        app.MapDelete("/messages", DeleteAsync);
        app.MapPost("/commands/delete-messages", DeleteAsync);
        app.MapPost("/commands/run-now", async (HttpRequest request, CallerResolver auth, NpgsqlDataSource db, DispatchSignal signal, string? tenant_id) =>
        {
            var (caller, failure) = await auth.ResolveAsync(request);
            if (failure is not null)
            {
                return failure;
            }

            // The tenant asking for a sync lifts its own do-not-disturb (next_sync_after).
            var tenant = tenant_id ?? caller!.TenantId;
            if (tenant is not null)
            {
                if (!caller!.CanAccess(tenant))
                {
                    return Errors.Forbidden($"this token may not act on tenant '{tenant}'");
                }

                await using var clear = db.CreateCommand("UPDATE tenants SET next_sync_after = NULL WHERE id = $1");
                clear.Parameters.AddWithValue(tenant);
                await clear.ExecuteNonQueryAsync(request.HttpContext.RequestAborted);
            }

            signal.Wake();
            return Results.Ok(new { ok = true });
        });
    }

    private static async Task<IResult> AddAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db, DispatchSignal signal)
    {
        var (caller, failure) = await auth.ResolveAsync(request);
        if (failure is not null)
        {
            return failure;
        }

        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return Errors.Validation(["body", "messages"], "a list of messages is required", "type_error.list");
        }

        if (messages.GetArrayLength() > MaxMessagesPerRequest)
        {
            return Results.Json(new { ok = false, detail = new { error = $"too many messages: {messages.GetArrayLength()} (at most {MaxMessagesPerRequest} per request)", rejected = Array.Empty<object>() } },
                statusCode: StatusCodes.Status400BadRequest);
        }

        body.TryInt("default_priority", out var defaultPriority);
        var rejected = new List<object>();
        var accepted = new List<(JsonElement Item, string Id, string TenantId)>();
        var seen = new HashSet<(string, string)>();
        foreach (var item in messages.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.Object ? item.Text("id") : null;
            var missing = item.ValueKind != JsonValueKind.Object ? "id" : RequiredFields.FirstOrDefault(f => !HasValue(item, f));
            if (missing is not null)
            {
                rejected.Add(new { id, reason = $"missing {missing}" });
                continue;
            }

            var tenantId = item.Text("tenant_id")!;
            if (!caller!.CanAccess(tenantId))
            {
                return Errors.Forbidden($"this token may not enqueue for tenant '{tenantId}'");
            }

            if (id!.Length > 255 || item.Text("batch_code") is { Length: > 64 })
            {
                rejected.Add(new { id = id[..Math.Min(id.Length, 255)], reason = "invalid id or batch_code length" });
                continue;
            }

            if (!seen.Add((tenantId, id)))
            {
                rejected.Add(new { id, reason = "duplicate id in batch" });
                continue;
            }

            accepted.Add((item, id, tenantId));
        }

        var queued = 0;
        await using (var connection = await db.OpenConnectionAsync(request.HttpContext.RequestAborted))
        {
            // One account check per (tenant, account), then one multi-row statement for the whole request.
            var accounts = new Dictionary<(string, string), bool>();
            var rows = new List<(JsonElement Item, string Id, string TenantId)>();
            foreach (var (item, id, tenantId) in accepted)
            {
                var accountKey = (tenantId, item.Text("account_id")!);
                if (!accounts.TryGetValue(accountKey, out var accountExists))
                {
                    accounts[accountKey] = accountExists = await AccountExistsAsync(connection, tenantId, accountKey.Item2, request.HttpContext.RequestAborted);
                }

                if (accountExists)
                {
                    rows.Add((item, id, tenantId));
                }
                else
                {
                    rejected.Add(new { id, reason = "account not found for tenant" });
                }
            }

            var stored = await EnqueueAsync(connection, rows, defaultPriority ?? 2, request.HttpContext.RequestAborted);
            queued = stored.Count;
            rejected.AddRange(rows.Where(r => !stored.Contains((r.TenantId, r.Id))).Select(r => new { id = r.Id, reason = "already sent" }));
        }

        if (queued == 0 && rejected.Count > 0)
        {
            return Results.Json(new { ok = false, detail = new { error = "all messages were rejected", rejected } }, statusCode: StatusCodes.Status400BadRequest);
        }

        signal.Wake();
        return Results.Ok(new { ok = true, queued, rejected });
    }

    private static async Task<bool> AccountExistsAsync(NpgsqlConnection connection, string tenantId, string accountId, CancellationToken cancellationToken)
    {
        await using var account = new NpgsqlCommand("SELECT 1 FROM accounts WHERE tenant_id = $1 AND id = $2", connection);
        account.Parameters.AddWithValue(tenantId);
        account.Parameters.AddWithValue(accountId);
        return await account.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Inserts the messages, or replaces those still waiting; messages already processed are left
    /// as they are. Returns the (tenant, id) pairs that were stored.
    /// </summary>
    private static async Task<HashSet<(string, string)>> EnqueueAsync(NpgsqlConnection connection, List<(JsonElement Item, string Id, string TenantId)> rows, int defaultPriority, CancellationToken cancellationToken)
    {
        var stored = new HashSet<(string, string)>();
        if (rows.Count == 0)
        {
            return stored;
        }

        await using var upsert = new NpgsqlCommand("""
            INSERT INTO messages (tenant_id, id, account_id, priority, batch_code, deferred_ts, payload, trace_parent)
            SELECT t, i, a, p, b, d, j::jsonb, $8 FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::text[]) AS u(t, i, a, p, b, d, j)
            ON CONFLICT (tenant_id, id) DO UPDATE SET account_id = excluded.account_id, priority = excluded.priority,
                batch_code = excluded.batch_code, deferred_ts = excluded.deferred_ts, payload = excluded.payload, trace_parent = excluded.trace_parent,
                status = 'pending', retry_count = 0, updated_at = now()
            WHERE messages.status IN ('pending', 'deferred')
            RETURNING tenant_id, id
            """, connection);
        upsert.Parameters.AddWithValue(rows.Select(r => r.TenantId).ToArray());
        upsert.Parameters.AddWithValue(rows.Select(r => r.Id).ToArray());
        upsert.Parameters.AddWithValue(rows.Select(r => r.Item.Text("account_id")!).ToArray());
        upsert.Parameters.AddWithValue(rows.Select(r => Priority(r.Item, defaultPriority)).ToArray());
        upsert.Parameters.AddWithValue(rows.Select(r => r.Item.Text("batch_code")).ToArray());
        upsert.Parameters.AddWithValue(rows.Select(r => r.Item.TryGetProperty("deferred_ts", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var ts) ? ts : (long?)null).ToArray());
        upsert.Parameters.AddWithValue(rows.Select(r => r.Item.GetRawText()).ToArray());
        // The request's trace context, so dispatch and the SMTP send join the same trace.
        upsert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = System.Diagnostics.Activity.Current?.Id, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add((reader.GetString(0), reader.GetString(1)));
        }

        return stored;
    }

    private static bool HasValue(JsonElement item, string field) =>
        item.TryGetProperty(field, out var value) && value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Length > 0,
            JsonValueKind.Array => value.GetArrayLength() > 0,
            JsonValueKind.Null or JsonValueKind.Undefined => false,
            _ => true,
        };

    /// <summary>0–3 or immediate/high/medium/low; anything else clamps into range.</summary>
    private static int Priority(JsonElement item, int defaultPriority)
    {
        if (!item.TryGetProperty("priority", out var value))
        {
            return Math.Clamp(defaultPriority, 0, 3);
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var n) => Math.Clamp(n, 0, 3),
            JsonValueKind.String => value.GetString()!.ToLowerInvariant() switch
            {
                "immediate" => 0,
                "high" => 1,
                "medium" => 2,
                "low" => 3,
                var s when int.TryParse(s, out var n) => Math.Clamp(n, 0, 3),
                _ => Math.Clamp(defaultPriority, 0, 3),
            },
            _ => Math.Clamp(defaultPriority, 0, 3),
        };
    }

    private static async Task<IResult> ListAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db,
        string? tenant_id, bool? active_only, bool? include_history, string? status, string? batch_code, int? limit, long? cursor)
    {
        if (await TenantScope.CheckAsync(auth, request, tenant_id, ["query", "tenant_id"]) is { } denied)
        {
            return denied;
        }

        var pageSize = Math.Clamp(limit ?? 100, 1, 1000);
        await using var command = db.CreateCommand("""
            SELECT pk, id, tenant_id, account_id, priority, batch_code, status, deferred_ts, sent_ts, error_ts, error, retry_count,
                   created_at, updated_at, payload
            FROM messages
            WHERE tenant_id = $1 AND ($2 = false OR status IN ('pending', 'deferred', 'sending'))
              AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR batch_code = $4) AND pk > $5
            ORDER BY pk LIMIT $6
            """);
        command.Parameters.AddWithValue(tenant_id!);
        command.Parameters.AddWithValue(active_only ?? false);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)batch_code ?? DBNull.Value);
        command.Parameters.AddWithValue(cursor ?? 0L);
        command.Parameters.AddWithValue(pageSize + 1);
        var records = new List<Dictionary<string, object?>>();
        await using (var reader = await command.ExecuteReaderAsync(request.HttpContext.RequestAborted))
        {
            while (await reader.ReadAsync(request.HttpContext.RequestAborted))
            {
                records.Add(new()
                {
                    ["pk"] = reader.GetInt64(0),
                    ["id"] = reader.GetString(1),
                    ["tenant_id"] = reader.GetString(2),
                    ["account_id"] = reader.GetString(3),
                    ["priority"] = reader.GetInt32(4),
                    ["batch_code"] = reader.IsDBNull(5) ? null : reader.GetString(5),
                    ["status"] = reader.GetString(6),
                    ["deferred_ts"] = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    ["sent_ts"] = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                    ["error_ts"] = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                    ["error"] = reader.IsDBNull(10) ? null : reader.GetString(10),
                    ["retry_count"] = reader.GetInt32(11),
                    ["created_at"] = new DateTimeOffset(reader.GetDateTime(12)).ToUnixTimeSeconds(),
                    ["updated_at"] = new DateTimeOffset(reader.GetDateTime(13)).ToUnixTimeSeconds(),
                    ["message"] = JsonDocument.Parse(reader.GetString(14)).RootElement.Clone(),
                });
            }
        }

        long? nextCursor = null;
        if (records.Count > pageSize)
        {
            records.RemoveAt(records.Count - 1);
            nextCursor = (long)records[^1]["pk"]!;
        }

        if (include_history == true && records.Count > 0)
        {
            await AttachHistoryAsync(db, records, request.HttpContext.RequestAborted);
        }

        return Results.Json(new { ok = true, messages = records.Select(r => r.WithoutNulls()), next_cursor = nextCursor }, JsonBody.Options);
    }

    private static async Task AttachHistoryAsync(NpgsqlDataSource db, List<Dictionary<string, object?>> records, CancellationToken cancellationToken)
    {
        var byPk = records.ToDictionary(r => (long)r["pk"]!, r => { var list = new List<object>(); r["history"] = list; return list; });
        await using var command = db.CreateCommand("""
            SELECT message_pk, event_type, event_ts, description, metadata, reported_ts FROM message_events
            WHERE message_pk = ANY($1) ORDER BY id
            """);
        command.Parameters.AddWithValue(byPk.Keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            byPk[reader.GetInt64(0)].Add(new
            {
                event_type = reader.GetString(1),
                event_ts = reader.GetInt64(2),
                description = reader.IsDBNull(3) ? null : reader.GetString(3),
                metadata = reader.IsDBNull(4) ? (JsonElement?)null : JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(),
                reported_ts = reader.IsDBNull(5) ? (long?)null : reader.GetInt64(5),
            });
        }
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db, string? tenant_id)
    {
        if (await TenantScope.CheckAsync(auth, request, tenant_id, ["query", "tenant_id"]) is { } denied)
        {
            return denied;
        }

        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetProperty("ids", out var idsElement) || idsElement.ValueKind != JsonValueKind.Array
            || idsElement.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            return Errors.Validation(["body", "ids"], "a list of message ids is required", "type_error.list");
        }

        var ids = idsElement.EnumerateArray().Select(i => i.GetString()!).Distinct().ToArray();
        await using var command = db.CreateCommand("DELETE FROM messages WHERE tenant_id = $1 AND id = ANY($2) RETURNING id");
        command.Parameters.AddWithValue(tenant_id!);
        command.Parameters.AddWithValue(ids);
        var removed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(request.HttpContext.RequestAborted);
        while (await reader.ReadAsync(request.HttpContext.RequestAborted))
        {
            removed.Add(reader.GetString(0));
        }

        return Results.Ok(new { ok = true, removed = removed.Count, not_found = ids.Except(removed).ToArray() });
    }
}
