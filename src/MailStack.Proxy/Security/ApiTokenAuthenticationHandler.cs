using System.Security.Cryptography;
using System.Text.Encodings.Web;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Security;

/// <summary>
/// Authenticates <c>X-API-Token</c> or <c>Authorization: Bearer</c> as the admin token or a tenant's
/// current key. With no admin token configured the proxy is open (dev mode: everyone is admin).
/// Challenges and refusals answer in the API's error shape: 401 / 403 <c>{"ok":false,"detail":…}</c>.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration, TenantStore tenants)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string AdminTokenKey = "Proxy:AdminToken";
    public const string TokenHeader = "X-API-Token";
    private const string MissingToken = "missing API token (X-API-Token or Authorization: Bearer)";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (configuration[AdminTokenKey] is not { Length: > 0 } adminToken)
        {
            return Success(Caller.Admin);
        }

        if (TokenOf(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiKeys.Hash(token);
        if (CryptographicOperations.FixedTimeEquals(hash, ApiKeys.Hash(adminToken)))
        {
            return Success(Caller.Admin);
        }

        return await tenants.FindByApiKeyAsync(hash, Context.RequestAborted) is { } tenantId
            ? Success(Caller.Tenant(tenantId))
            : AuthenticateResult.Fail("invalid, revoked or expired API token");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await WriteErrorAsync(StatusCodes.Status401Unauthorized, result.Failure?.Message ?? MissingToken);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteErrorAsync(StatusCodes.Status403Forbidden, "admin token required");

    private Task WriteErrorAsync(int status, string detail)
    {
        Response.StatusCode = status;
        return Response.WriteAsJsonAsync(new ApiError(detail), WireJson.Options, Context.RequestAborted);
    }

    private static AuthenticateResult Success(Caller caller) =>
        AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));

    private static string? TokenOf(HttpRequest request)
    {
        if (request.Headers.TryGetValue(TokenHeader, out var header) && header.ToString() is { Length: > 0 } apiToken)
        {
            return apiToken;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;
    }
}
