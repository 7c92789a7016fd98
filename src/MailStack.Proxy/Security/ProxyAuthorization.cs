using Microsoft.AspNetCore.Authentication;

namespace MailStack.Proxy.Security;

/// <summary>The proxy's authentication scheme and its two policies: any valid token (tenant routes) and the admin token.</summary>
public static class ProxyAuthorization
{
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddProxyAuthorization(this IServiceCollection services)
    {
        services.AddAuthentication(ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(Caller.AdminRole));
        return services;
    }
}
