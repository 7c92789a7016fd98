using MailStack.Proxy.Model;
using MailStack.Proxy.Security;

namespace MailStack.Proxy.Apis;

/// <summary>
/// The two kinds of authenticated route group, with their cross-cutting concerns set once:
/// authentication (401), the policy (admin: 403), body reading (422/413) and the error shapes in OpenAPI.
/// </summary>
public static class ApiGroups
{
    /// <summary>Routes any valid token may call; each route says where its tenant comes from (<see cref="TenantScopeExtensions.RequireTenant"/>).</summary>
    public static RouteGroupBuilder MapTenantGroup(this IEndpointRouteBuilder app, string tag) =>
        app.MapGroup("").WithTags(tag).RequireAuthorization().WithApiConventions();

    /// <summary>Routes only the admin token may call.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder app, string tag) =>
        app.MapGroup("").WithTags(tag).RequireAuthorization(ProxyAuthorization.AdminPolicy).WithApiConventions();

    private static RouteGroupBuilder WithApiConventions(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<JsonBodyFilter>();
        group.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ApiError), ["application/json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ApiError), ["application/json"]));
        return group;
    }
}
