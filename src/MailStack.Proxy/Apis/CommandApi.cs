using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailStack.Proxy.Apis;

/// <summary>Run-now, and suspend / activate a tenant (<c>"*"</c>) or one batch code.</summary>
public static class CommandApi
{
    public static IEndpointRouteBuilder MapCommandApi(this IEndpointRouteBuilder app)
    {
        var commands = app.MapTenantGroup("Commands");
        commands.MapPost("/commands/run-now", RunNowAsync).RequireTenant(TenantSource.Query("tenant_id", required: false))
            .WithSummary("Wake dispatch and reporting now; a tenant's own call lifts its next_sync_after");
        commands.MapPost("/commands/suspend", (string? tenant_id, string? batch_code, TenantStore tenants, DispatchSignal signal, CancellationToken cancellationToken) =>
            ChangeAsync(tenant_id!, batch_code, suspend: true, tenants, signal, cancellationToken))
            .RequireTenant(TenantSource.Query("tenant_id")).WithSummary("Suspend the tenant, or one batch code; its messages stay pending");
        commands.MapPost("/commands/activate", (string? tenant_id, string? batch_code, TenantStore tenants, DispatchSignal signal, CancellationToken cancellationToken) =>
            ChangeAsync(tenant_id!, batch_code, suspend: false, tenants, signal, cancellationToken))
            .RequireTenant(TenantSource.Query("tenant_id")).WithSummary("Activate the tenant, or one batch code");
        return app;
    }

    private static async Task<Ok<OkResponse>> RunNowAsync(string? tenant_id, HttpContext context, EventStore events, DispatchSignal signal, CancellationToken cancellationToken)
    {
        // The tenant asking for a sync lifts its own do-not-disturb (next_sync_after).
        if ((tenant_id ?? Caller.From(context.User).TenantId) is { Length: > 0 } tenant)
        {
            await events.ClearNextSyncAfterAsync(tenant, cancellationToken);
        }

        signal.Wake();
        return TypedResults.Ok(OkResponse.Instance);
    }

    private static async Task<Results<Ok<SuspendResult>, NotFound<ApiError>, BadRequest<ApiError>>> ChangeAsync(
        string tenantId, string? batchCode, bool suspend, TenantStore tenants, DispatchSignal signal, CancellationToken cancellationToken)
    {
        var target = SuspendSet.Target(batchCode);
        var change = await tenants.ChangeSuspensionAsync(tenantId, target,
            current => suspend ? SuspendSet.Suspend(current, target) : SuspendSet.Activate(current, target), cancellationToken);
        if (change is null)
        {
            return ApiErrors.NotFound($"tenant '{tenantId}' not found");
        }

        if (change.After is not { } updated)
        {
            return ApiErrors.BadRequest($"tenant '{tenantId}' is suspended as a whole; activate the tenant, not batch '{target}'");
        }

        if (!suspend)
        {
            signal.Wake();
        }

        return TypedResults.Ok(new SuspendResult(tenantId, batchCode, updated, change.WaitingMessages));
    }
}
