using System.Text.Json;
using MailStack.Proxy.Security;
using Npgsql;
using NpgsqlTypes;

namespace MailStack.Proxy.Api;

/// <summary>Tenants: CRUD (admin creates and deletes, a tenant reads and updates itself) and API keys.</summary>
internal static class TenantEndpoints
{
    private const string Columns = "id, name, client_base_url, client_sync_path, client_attachment_path, client_auth, large_file_config, retention_seconds, active, suspended_batches, created_at, updated_at";

    public static void MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/tenant", UpsertAsync);
        app.MapGet("/tenants", ListAsync);
        app.MapGet("/tenant/{id}", (string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db) => GetAsync(id, request, auth, db));
        app.MapGet("/tenant", (string? id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db) =>
            id is null ? Task.FromResult(Errors.Validation(["query", "id"], "field required", "value_error.missing")) : GetAsync(id, request, auth, db));
        app.MapPut("/tenant/{id}", (string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db) => UpdateAsync(id, request, auth, db));
        app.MapPut("/tenant", (HttpRequest request, CallerResolver auth, NpgsqlDataSource db) => UpdateAsync(null, request, auth, db));
        app.MapDelete("/tenant/{id}", DeleteAsync);
        app.MapPost("/tenant/{id}/api-key", RotateKeyAsync);
        app.MapDelete("/tenant/{id}/api-key", RevokeKeyAsync);
    }

    private static async Task<IResult> UpsertAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db)
    {
        if (await TenantScope.RequireAdminAsync(auth, request) is { } denied)
        {
            return denied;
        }

        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        if (body.Text("id") is not { Length: > 0 } id)
        {
            return Errors.Validation(["body", "id"], "field required", "value_error.missing");
        }

        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        await using var exists = db.CreateCommand("SELECT 1 FROM tenants WHERE id = $1");
        exists.Parameters.AddWithValue(id);
        var isNew = await exists.ExecuteScalarAsync(request.HttpContext.RequestAborted) is null;
        if (!isNew)
        {
            await ApplyUpdateAsync(db, id, body, request.HttpContext.RequestAborted);
            return Results.Ok(new { ok = true });
        }

        var apiKey = ApiKeys.New();
        await using var insert = db.CreateCommand("""
            INSERT INTO tenants (id, name, client_base_url, client_sync_path, client_attachment_path, client_auth, large_file_config, retention_seconds, active, api_key_hash)
            VALUES ($1, $2, $3, coalesce($4, '/mail-proxy/sync'), coalesce($5, '/mail-proxy/attachments'), $6, $7, coalesce($8, 604800), coalesce($9, true), $10)
            """);
        body.TryInt("retention_seconds", out var retention);
        body.TryBool("active", out var active);
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue((object?)body.Text("name") ?? DBNull.Value);
        insert.Parameters.AddWithValue((object?)body.Text("client_base_url") ?? DBNull.Value);
        insert.Parameters.AddWithValue((object?)body.Text("client_sync_path") ?? DBNull.Value);
        insert.Parameters.AddWithValue((object?)body.Text("client_attachment_path") ?? DBNull.Value);
        insert.Parameters.Add(JsonParameter(body, "client_auth"));
        insert.Parameters.Add(JsonParameter(body, "large_file_config"));
        insert.Parameters.AddWithValue((object?)retention ?? DBNull.Value);
        insert.Parameters.AddWithValue((object?)active ?? DBNull.Value);
        insert.Parameters.AddWithValue(ApiKeys.Hash(apiKey));
        try
        {
            await insert.ExecuteNonQueryAsync(request.HttpContext.RequestAborted);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Created concurrently by another request: treat as the update it now is.
            await ApplyUpdateAsync(db, id, body, request.HttpContext.RequestAborted);
            return Results.Ok(new { ok = true });
        }

        return Results.Ok(new { ok = true, api_key = apiKey });
    }

    private static async Task<IResult> ListAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db, bool? active_only)
    {
        if (await TenantScope.RequireAdminAsync(auth, request) is { } denied)
        {
            return denied;
        }

        await using var command = db.CreateCommand($"SELECT {Columns} FROM tenants WHERE ($1 = false OR active) ORDER BY id");
        command.Parameters.AddWithValue(active_only ?? false);
        var tenants = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync(request.HttpContext.RequestAborted);
        while (await reader.ReadAsync(request.HttpContext.RequestAborted))
        {
            tenants.Add(Read(reader).WithoutNulls());
        }

        return Results.Json(new { ok = true, tenants }, JsonBody.Options);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db)
    {
        var (caller, failure) = await auth.ResolveAsync(request);
        if (failure is not null)
        {
            return failure;
        }

        if (!caller!.CanAccess(id))
        {
            return Errors.Forbidden("a tenant token can only read its own tenant");
        }

        await using var command = db.CreateCommand($"SELECT {Columns} FROM tenants WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(request.HttpContext.RequestAborted);
        if (!await reader.ReadAsync(request.HttpContext.RequestAborted))
        {
            return Errors.NotFound($"tenant '{id}' not found");
        }

        var tenant = Read(reader).WithoutNulls();
        tenant["ok"] = true;
        return Results.Json(tenant, JsonBody.Options);
    }

    private static async Task<IResult> UpdateAsync(string? routeId, HttpRequest request, CallerResolver auth, NpgsqlDataSource db)
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

        var id = routeId ?? body.Text("id");
        if (id is null)
        {
            return Errors.Validation(["body", "id"], "field required", "value_error.missing");
        }

        if (!caller!.CanAccess(id))
        {
            return Errors.Forbidden("a tenant token can only update its own tenant");
        }

        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        return await ApplyUpdateAsync(db, id, body, request.HttpContext.RequestAborted)
            ? Results.Ok(new { ok = true })
            : Errors.NotFound($"tenant '{id}' not found");
    }

    private static async Task<IResult> DeleteAsync(string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db) =>
        await AdminOnTenantAsync(id, request, auth, db, "DELETE FROM tenants WHERE id = $1", _ => Results.Ok(new { ok = true }));

    private static async Task<IResult> RotateKeyAsync(string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db)
    {
        var apiKey = ApiKeys.New();
        return await AdminOnTenantAsync(id, request, auth, db, "UPDATE tenants SET api_key_hash = $2, api_key_expires_at = NULL, updated_at = now() WHERE id = $1",
            _ => Results.Ok(new { ok = true, api_key = apiKey }), ApiKeys.Hash(apiKey));
    }

    private static async Task<IResult> RevokeKeyAsync(string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db) =>
        await AdminOnTenantAsync(id, request, auth, db, "UPDATE tenants SET api_key_hash = NULL, updated_at = now() WHERE id = $1", _ => Results.Ok(new { ok = true }));

    private static async Task<IResult> AdminOnTenantAsync(string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db, string sql, Func<int, IResult> ok, object? extra = null)
    {
        if (await TenantScope.RequireAdminAsync(auth, request) is { } denied)
        {
            return denied;
        }

        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue(id);
        if (extra is not null)
        {
            command.Parameters.AddWithValue(extra);
        }

        var rows = await command.ExecuteNonQueryAsync(request.HttpContext.RequestAborted);
        return rows == 0 ? Errors.NotFound($"tenant '{id}' not found") : ok(rows);
    }

    private static IResult? Validate(JsonElement body)
    {
        if (!body.TryInt("retention_seconds", out _))
        {
            return Errors.Validation(["body", "retention_seconds"], "value is not a valid integer", "type_error.integer");
        }

        if (!body.TryBool("active", out _))
        {
            return Errors.Validation(["body", "active"], "value could not be parsed to a boolean", "type_error.bool");
        }

        if (body.Text("client_base_url") is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            return Errors.Validation(["body", "client_base_url"], "invalid or missing URL scheme", "value_error.url");
        }

        return null;
    }

    /// <summary>Updates only the fields present in <paramref name="body"/>.</summary>
    private static async Task<bool> ApplyUpdateAsync(NpgsqlDataSource db, string id, JsonElement body, CancellationToken cancellationToken)
    {
        var sets = new List<string> { "updated_at = now()" };
        var parameters = new List<NpgsqlParameter> { new() { Value = id } };
        void Set(string column, NpgsqlParameter parameter)
        {
            parameters.Add(parameter);
            sets.Add($"{column} = ${parameters.Count}");
        }

        foreach (var column in new[] { "name", "client_base_url", "client_sync_path", "client_attachment_path" })
        {
            if (body.TryGetProperty(column, out var value))
            {
                Set(column, new NpgsqlParameter { Value = value.ValueKind == JsonValueKind.String ? value.GetString() : DBNull.Value });
            }
        }

        foreach (var column in new[] { "client_auth", "large_file_config" })
        {
            if (body.TryGetProperty(column, out _))
            {
                Set(column, JsonParameter(body, column));
            }
        }

        body.TryInt("retention_seconds", out var retention);
        if (retention is not null)
        {
            Set("retention_seconds", new NpgsqlParameter { Value = retention.Value });
        }

        body.TryBool("active", out var active);
        if (active is not null)
        {
            Set("active", new NpgsqlParameter { Value = active.Value });
        }

        await using var command = db.CreateCommand($"UPDATE tenants SET {string.Join(", ", sets)} WHERE id = $1");
        command.Parameters.AddRange(parameters.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static NpgsqlParameter JsonParameter(JsonElement body, string name) => new()
    {
        NpgsqlDbType = NpgsqlDbType.Jsonb,
        Value = body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value.GetRawText() : DBNull.Value,
    };

    private static Dictionary<string, object?> Read(NpgsqlDataReader reader)
    {
        object? Json(int i)
        {
            if (reader.IsDBNull(i))
            {
                return null;
            }

            var element = JsonDocument.Parse(reader.GetString(i)).RootElement.Clone();
            // The tenant's endpoint credentials are write-only, like account passwords.
            return element.ValueKind == JsonValueKind.Object && reader.GetName(i) == "client_auth"
                ? element.EnumerateObject().Where(p => p.Name is not ("token" or "password")).ToDictionary(p => p.Name, p => (object?)p.Value)
                : element;
        }

        return new Dictionary<string, object?>
        {
            ["id"] = reader.GetString(0),
            ["name"] = reader.IsDBNull(1) ? null : reader.GetString(1),
            ["client_base_url"] = reader.IsDBNull(2) ? null : reader.GetString(2),
            ["client_sync_path"] = reader.GetString(3),
            ["client_attachment_path"] = reader.GetString(4),
            ["client_auth"] = Json(5),
            ["large_file_config"] = Json(6),
            ["retention_seconds"] = reader.GetInt32(7),
            ["active"] = reader.GetBoolean(8),
            ["suspended_batches"] = reader.GetFieldValue<string[]>(9),
            ["created_at"] = new DateTimeOffset(reader.GetDateTime(10)).ToUnixTimeSeconds(),
            ["updated_at"] = new DateTimeOffset(reader.GetDateTime(11)).ToUnixTimeSeconds(),
        };
    }
}
