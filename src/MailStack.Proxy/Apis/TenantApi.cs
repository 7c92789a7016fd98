using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailStack.Proxy.Apis;

/// <summary>Tenants: the admin creates, lists and deletes them and manages their keys; a tenant reads and updates itself.</summary>
public static class TenantApi
{
    public static IEndpointRouteBuilder MapTenantApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapAdminGroup("Tenants");
        admin.MapPost("/tenant", UpsertAsync).WithSummary("Create a tenant (its API key is returned once) or update it by id");
        admin.MapGet("/tenants", ListAsync).WithSummary("List tenants");
        admin.MapDelete("/tenant/{id}", DeleteAsync).WithSummary("Delete a tenant with its accounts and messages");
        admin.MapPost("/tenant/{id}/api-key", RotateKeyAsync).WithSummary("Issue a new API key; the old one stops working at once");
        admin.MapDelete("/tenant/{id}/api-key", RevokeKeyAsync).WithSummary("Revoke the tenant's API key");

        var tenant = app.MapTenantGroup("Tenants");
        tenant.MapGet("/tenant/{id}", (string id, TenantStore tenants, CancellationToken cancellationToken) => GetAsync(id, tenants, cancellationToken))
            .RequireTenant(TenantSource.Route("id")).WithSummary("Read a tenant");
        tenant.MapGet("/tenant", (string? id, TenantStore tenants, CancellationToken cancellationToken) => GetAsync(id!, tenants, cancellationToken))
            .RequireTenant(TenantSource.Query("id")).WithSummary("Read a tenant (id in the query)");
        tenant.MapPut("/tenant/{id}", (string id, JsonBody<TenantPayload> body, TenantStore tenants, CancellationToken cancellationToken) => UpdateAsync(id, body.Value, tenants, cancellationToken))
            .RequireTenant(TenantSource.Route("id")).WithSummary("Update the fields given");
        tenant.MapPut("/tenant", (JsonBody<TenantPayload> body, TenantStore tenants, CancellationToken cancellationToken) => UpdateAsync(body.Value.Id!, body.Value, tenants, cancellationToken))
            .RequireTenant(TenantSource.Body("id")).WithSummary("Update the fields given (id in the body)");
        return app;
    }

    private static async Task<Results<Ok<ApiKeyIssued>, UnprocessableEntity<ValidationErrors>>> UpsertAsync(JsonBody<TenantPayload> body, TenantStore tenants, CancellationToken cancellationToken)
    {
        var tenant = body.Value;
        if (tenant.Id is not { Length: > 0 } id)
        {
            return ApiErrors.Validation(ValidationError.Missing("body", "id"));
        }

        if (tenant.Validate() is { } invalid)
        {
            return ApiErrors.Validation(invalid);
        }

        if (!await tenants.ExistsAsync(id, cancellationToken))
        {
            var apiKey = ApiKeys.New();
            if (await tenants.CreateAsync(id, tenant, ApiKeys.Hash(apiKey), cancellationToken))
            {
                return TypedResults.Ok(new ApiKeyIssued(apiKey));
            }

            // Created concurrently by another request: this is the update it now is.
        }

        await tenants.UpdateAsync(id, tenant, cancellationToken);
        return TypedResults.Ok(new ApiKeyIssued(null));
    }

    private static async Task<Ok<TenantList>> ListAsync(TenantStore tenants, bool? active_only, CancellationToken cancellationToken) =>
        TypedResults.Ok(new TenantList([.. (await tenants.ListAsync(active_only ?? false, cancellationToken)).Select(Shown)]));

    private static async Task<Results<Ok<TenantRecord>, NotFound<ApiError>>> GetAsync(string id, TenantStore tenants, CancellationToken cancellationToken) =>
        await tenants.GetAsync(id, cancellationToken) is { } tenant
            ? TypedResults.Ok(Shown(tenant))
            : ApiErrors.NotFound($"tenant '{id}' not found");

    private static async Task<Results<Ok<OkResponse>, NotFound<ApiError>, UnprocessableEntity<ValidationErrors>>> UpdateAsync(string id, TenantPayload tenant, TenantStore tenants, CancellationToken cancellationToken)
    {
        if (tenant.Validate() is { } invalid)
        {
            return ApiErrors.Validation(invalid);
        }

        return await tenants.UpdateAsync(id, tenant, cancellationToken)
            ? TypedResults.Ok(OkResponse.Instance)
            : ApiErrors.NotFound($"tenant '{id}' not found");
    }

    private static async Task<Results<Ok<OkResponse>, NotFound<ApiError>>> DeleteAsync(string id, TenantStore tenants) =>
        await tenants.DeleteAsync(id) ? TypedResults.Ok(OkResponse.Instance) : ApiErrors.NotFound($"tenant '{id}' not found");

    private static async Task<Results<Ok<ApiKeyIssued>, NotFound<ApiError>>> RotateKeyAsync(string id, TenantStore tenants)
    {
        var apiKey = ApiKeys.New();
        return await tenants.SetApiKeyAsync(id, ApiKeys.Hash(apiKey))
            ? TypedResults.Ok(new ApiKeyIssued(apiKey))
            : ApiErrors.NotFound($"tenant '{id}' not found");
    }

    private static async Task<Results<Ok<OkResponse>, NotFound<ApiError>>> RevokeKeyAsync(string id, TenantStore tenants) =>
        await tenants.SetApiKeyAsync(id, null) ? TypedResults.Ok(OkResponse.Instance) : ApiErrors.NotFound($"tenant '{id}' not found");

    /// <summary>The tenant's endpoint credentials are write-only, like account passwords.</summary>
    private static TenantRecord Shown(TenantRecord tenant) => tenant with { ClientAuth = tenant.ClientAuth?.WithoutSecrets() };
}
