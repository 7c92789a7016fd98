using MailStack.Proxy.Security;
using Npgsql;

namespace MailStack.Proxy.Api;

/// <summary>A tenant's SMTP accounts; passwords go in and never come out.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account", UpsertAsync);
        app.MapGet("/accounts", ListAsync);
        app.MapDelete("/account/{id}", DeleteAsync);
    }

    private static async Task<IResult> UpsertAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var tenantId = body.Text("tenant_id");
        if (await TenantScope.CheckAsync(auth, request, tenantId, ["body", "tenant_id"]) is { } denied)
        {
            return denied;
        }

        foreach (var required in new[] { "id", "host" })
        {
            if (body.Text(required) is not { Length: > 0 })
            {
                return Errors.Validation(["body", required], "field required", "value_error.missing");
            }
        }

        if (!body.TryInt("port", out var port) || port is null or < 1 or > 65535)
        {
            return Errors.Validation(["body", "port"], "port must be an integer from 1 to 65535", "value_error.port");
        }

        int? perMinute = null, perHour = null, perDay = null, batchSize = null;
        bool? useTls = null;
        if (!body.TryInt("limit_per_minute", out perMinute) || !body.TryInt("limit_per_hour", out perHour)
            || !body.TryInt("limit_per_day", out perDay) || !body.TryInt("batch_size", out batchSize) || !body.TryBool("use_tls", out useTls))
        {
            return Errors.Validation(["body"], "limits and batch_size must be integers, use_tls a boolean", "type_error");
        }

        var behavior = body.Text("limit_behavior") ?? "defer";
        if (behavior is not ("defer" or "reject"))
        {
            return Errors.Validation(["body", "limit_behavior"], "must be 'defer' or 'reject'", "value_error.enum");
        }

        await using var command = db.CreateCommand("""
            INSERT INTO accounts (tenant_id, id, host, port, user_name, password, use_tls, limit_per_minute, limit_per_hour, limit_per_day, limit_behavior, batch_size)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, 50) WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)
            ON CONFLICT (tenant_id, id) DO UPDATE SET host = excluded.host, port = excluded.port, user_name = excluded.user_name,
                password = excluded.password, use_tls = excluded.use_tls, limit_per_minute = excluded.limit_per_minute,
                limit_per_hour = excluded.limit_per_hour, limit_per_day = excluded.limit_per_day,
                limit_behavior = excluded.limit_behavior, batch_size = excluded.batch_size, updated_at = now()
            """);
        command.Parameters.AddWithValue(tenantId!);
        command.Parameters.AddWithValue(body.Text("id")!);
        command.Parameters.AddWithValue(body.Text("host")!);
        command.Parameters.AddWithValue(port.Value);
        command.Parameters.AddWithValue((object?)body.Text("user") ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)body.Text("password") ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)useTls ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)perMinute ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)perHour ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)perDay ?? DBNull.Value);
        command.Parameters.AddWithValue(behavior);
        command.Parameters.AddWithValue((object?)batchSize ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(request.HttpContext.RequestAborted) == 0
            ? Errors.NotFound($"tenant '{tenantId}' not found")
            : Results.Ok(new { ok = true });
    }

    private static async Task<IResult> ListAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db, string? tenant_id)
    {
        if (await TenantScope.CheckAsync(auth, request, tenant_id, ["query", "tenant_id"]) is { } denied)
        {
            return denied;
        }

        await using var command = db.CreateCommand("""
            SELECT id, tenant_id, host, port, user_name, use_tls, limit_per_minute, limit_per_hour, limit_per_day, limit_behavior, batch_size
            FROM accounts WHERE tenant_id = $1 ORDER BY id
            """);
        command.Parameters.AddWithValue(tenant_id!);
        var accounts = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync(request.HttpContext.RequestAborted);
        while (await reader.ReadAsync(request.HttpContext.RequestAborted))
        {
            accounts.Add(new()
            {
                ["id"] = reader.GetString(0),
                ["tenant_id"] = reader.GetString(1),
                ["host"] = reader.GetString(2),
                ["port"] = reader.GetInt32(3),
                ["user"] = reader.IsDBNull(4) ? null : reader.GetString(4),
                ["use_tls"] = reader.IsDBNull(5) ? null : reader.GetBoolean(5),
                ["limit_per_minute"] = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                ["limit_per_hour"] = reader.IsDBNull(7) ? null : reader.GetInt32(7),
                ["limit_per_day"] = reader.IsDBNull(8) ? null : reader.GetInt32(8),
                ["limit_behavior"] = reader.GetString(9),
                ["batch_size"] = reader.GetInt32(10),
            });
        }

        return Results.Json(new { ok = true, accounts = accounts.Select(a => a.WithoutNulls()) }, JsonBody.Options);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpRequest request, CallerResolver auth, NpgsqlDataSource db, string? tenant_id)
    {
        if (await TenantScope.CheckAsync(auth, request, tenant_id, ["query", "tenant_id"]) is { } denied)
        {
            return denied;
        }

        await using var command = db.CreateCommand("DELETE FROM accounts WHERE tenant_id = $1 AND id = $2");
        command.Parameters.AddWithValue(tenant_id!);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(request.HttpContext.RequestAborted) == 0
            ? Errors.NotFound($"account '{id}' not found for tenant '{tenant_id}'")
            : Results.Ok(new { ok = true });
    }
}
