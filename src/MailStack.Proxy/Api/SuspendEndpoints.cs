using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Security;
using Npgsql;

namespace MailStack.Proxy.Api;

/// <summary>
/// Suspend and activate a tenant (<c>"*"</c>) or one batch code. Suspended messages stay pending with
/// their deferred timing and are dispatched again once activated. Both are idempotent.
/// </summary>
internal static class SuspendEndpoints
{
    private const string AllBatches = "*";

    public static void MapSuspendEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/commands/suspend", (HttpRequest request, CallerResolver auth, NpgsqlDataSource db, DispatchSignal signal, string? tenant_id, string? batch_code) =>
            ChangeAsync(request, auth, db, signal, tenant_id, batch_code, suspend: true));
        app.MapPost("/commands/activate", (HttpRequest request, CallerResolver auth, NpgsqlDataSource db, DispatchSignal signal, string? tenant_id, string? batch_code) =>
            ChangeAsync(request, auth, db, signal, tenant_id, batch_code, suspend: false));
    }

    private static async Task<IResult> ChangeAsync(HttpRequest request, CallerResolver auth, NpgsqlDataSource db, DispatchSignal signal, string? tenantId, string? batchCode, bool suspend)
    {
        if (await TenantScope.CheckAsync(auth, request, tenantId, ["query", "tenant_id"]) is { } denied)
        {
            return denied;
        }

        var target = string.IsNullOrEmpty(batchCode) ? AllBatches : batchCode;
        await using var connection = await db.OpenConnectionAsync(request.HttpContext.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(request.HttpContext.RequestAborted);
        string[] current;
        await using (var read = new NpgsqlCommand("SELECT suspended_batches FROM tenants WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue(tenantId!);
            if (await read.ExecuteScalarAsync(request.HttpContext.RequestAborted) is not string[] batches)
            {
                return Errors.NotFound($"tenant '{tenantId}' not found");
            }

            current = batches;
        }

        string[] updated;
        if (suspend)
        {
            updated = target == AllBatches ? [AllBatches] : current.Contains(AllBatches) ? current : current.Append(target).Distinct().ToArray();
        }
        else
        {
            if (target != AllBatches && current.Contains(AllBatches))
            {
                return Errors.BadRequest($"tenant '{tenantId}' is suspended as a whole; activate the tenant, not batch '{target}'");
            }

            updated = target == AllBatches ? [] : current.Where(b => b != target).ToArray();
        }

        await using (var write = new NpgsqlCommand("UPDATE tenants SET suspended_batches = $2, updated_at = now() WHERE id = $1", connection, transaction))
        {
            write.Parameters.AddWithValue(tenantId!);
            write.Parameters.AddWithValue(updated);
            await write.ExecuteNonQueryAsync(request.HttpContext.RequestAborted);
        }

        long pending;
        await using (var count = new NpgsqlCommand(
            "SELECT count(*) FROM messages WHERE tenant_id = $1 AND status IN ('pending', 'deferred') AND ($2::text = '*' OR batch_code = $2)", connection, transaction))
        {
            count.Parameters.AddWithValue(tenantId!);
            count.Parameters.AddWithValue(target);
            pending = (long)(await count.ExecuteScalarAsync(request.HttpContext.RequestAborted))!;
        }

        await transaction.CommitAsync(request.HttpContext.RequestAborted);
        if (!suspend)
        {
            signal.Wake();
        }

        return Results.Ok(new { ok = true, tenant_id = tenantId, batch_code = batchCode, suspended_batches = updated, pending_messages = pending });
    }
}
