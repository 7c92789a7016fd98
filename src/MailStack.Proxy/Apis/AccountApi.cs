using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailStack.Proxy.Apis;

/// <summary>A tenant's SMTP accounts; passwords go in and never come out.</summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapTenantGroup("Accounts");
        accounts.MapPost("/account", UpsertAsync).RequireTenant(TenantSource.Body("tenant_id")).WithSummary("Create or replace an SMTP account");
        accounts.MapGet("/accounts", ListAsync).RequireTenant(TenantSource.Query("tenant_id")).WithSummary("List the tenant's accounts (no passwords)");
        accounts.MapDelete("/account/{id}", DeleteAsync).RequireTenant(TenantSource.Query("tenant_id")).WithSummary("Delete an account");
        return app;
    }

    private static async Task<Results<Ok<OkResponse>, NotFound<ApiError>, UnprocessableEntity<ValidationErrors>>> UpsertAsync(JsonBody<AccountPayload> body, AccountStore accounts, CancellationToken cancellationToken)
    {
        var account = body.Value;
        if (account.Validate() is { } invalid)
        {
            return ApiErrors.Validation(invalid);
        }

        return await accounts.UpsertAsync(account, cancellationToken)
            ? TypedResults.Ok(OkResponse.Instance)
            : ApiErrors.NotFound($"tenant '{account.TenantId}' not found");
    }

    private static async Task<Ok<AccountList>> ListAsync(string? tenant_id, AccountStore accounts, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AccountList(await accounts.ListAsync(tenant_id!, cancellationToken)));

    private static async Task<Results<Ok<OkResponse>, NotFound<ApiError>>> DeleteAsync(string id, string? tenant_id, AccountStore accounts, CancellationToken cancellationToken) =>
        await accounts.DeleteAsync(tenant_id!, id, cancellationToken)
            ? TypedResults.Ok(OkResponse.Instance)
            : ApiErrors.NotFound($"account '{id}' not found for tenant '{tenant_id}'");
}
