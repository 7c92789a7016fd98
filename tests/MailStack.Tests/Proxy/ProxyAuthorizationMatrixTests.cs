using System.Text;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The security model table of the spec, route by route: no token, an unknown token and a revoked
/// tenant key get 401; a tenant key gets 403 on another tenant's data and on every admin route;
/// the owner and the admin get through. {own} and {other} stand for two fresh tenants.
/// </summary>
public sealed class ProxyAuthorizationMatrixTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    public static TheoryData<string, string, string?, bool> Routes => new()
    {
        // method, path, JSON body, admin only
        { "POST", "/tenant", """{"id":"{own}","name":"renamed"}""", true },
        { "GET", "/tenants", null, true },
        { "DELETE", "/tenant/{own}", null, true },
        { "POST", "/tenant/{own}/api-key", null, true },
        { "DELETE", "/tenant/{own}/api-key", null, true },
        { "GET", "/tenant/{own}", null, false },
        { "GET", "/tenant?id={own}", null, false },
        { "PUT", "/tenant/{own}", """{"name":"renamed"}""", false },
        { "PUT", "/tenant", """{"id":"{own}","name":"renamed"}""", false },
        { "POST", "/account", """{"id":"second","tenant_id":"{own}","host":"localhost","port":2525}""", false },
        { "GET", "/accounts?tenant_id={own}", null, false },
        { "DELETE", "/account/main?tenant_id={own}", null, false },
        { "POST", "/commands/add-messages", """{"messages":[{"id":"m1","tenant_id":"{own}","account_id":"main","from":"a@example.test","to":"b@example.test","subject":"s"}]}""", false },
        { "POST", "/commands/run-now?tenant_id={own}", null, false },
        { "POST", "/commands/suspend?tenant_id={own}", null, false },
        { "POST", "/commands/activate?tenant_id={own}", null, false },
        { "GET", "/messages?tenant_id={own}", null, false },
        { "DELETE", "/messages?tenant_id={own}", """{"ids":["m1"]}""", false },
        { "POST", "/commands/delete-messages?tenant_id={own}", """{"ids":["m1"]}""", false },
        { "GET", "/instance", null, true },
        { "PUT", "/instance", """{"name":"mail-proxy"}""", true },
        { "POST", "/instance/reload-bounce", null, true },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_applies_the_security_table(string method, string path, string? body, bool adminOnly)
    {
        var own = NewId("own");
        var other = NewId("other");
        var revoked = NewId("revoked");
        var ownKey = await _proxy.CreateTenantAsync(own);
        var otherKey = await _proxy.CreateTenantAsync(other);
        var revokedKey = await _proxy.CreateTenantAsync(revoked);
        using (var admin = await _proxy.AdminAsync())
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/tenant/{revoked}/api-key", Cancellation)).StatusCode);
        }

        // Unauthenticated callers, aimed at the caller's own tenant where it has one.
        await ExpectAsync(null, method, path, body, own, HttpStatusCode.Unauthorized, "no token");
        await ExpectAsync("not-a-key", method, path, body, own, HttpStatusCode.Unauthorized, "an unknown token");
        await ExpectAsync(revokedKey, method, path, body, revoked, HttpStatusCode.Unauthorized, "a revoked key");

        // A tenant key on another tenant's data: always 403.
        await ExpectAsync(otherKey, method, path, body, own, HttpStatusCode.Forbidden, "another tenant's key");

        // Its own data: allowed on tenant routes, 403 on admin routes.
        if (adminOnly)
        {
            await ExpectAsync(ownKey, method, path, body, own, HttpStatusCode.Forbidden, "the tenant's own key on an admin route");
        }
        else
        {
            await ExpectAllowedAsync(ownKey, method, path, body, own, "the tenant's own key");
        }

        // The admin reaches any tenant (the other one here, untouched so far).
        await ExpectAllowedAsync(stack.AdminToken, method, path, body, other, "the admin token");
    }

    [Fact]
    public async Task Status_accepts_any_valid_token_and_no_other()
    {
        var tenantId = NewId("status");
        var key = await _proxy.CreateTenantAsync(tenantId);
        using var tenant = _proxy.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync("/status", Cancellation)).StatusCode);
        using var admin = await _proxy.AdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/tenant/{tenantId}/api-key", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync("/status", Cancellation)).StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string? token, string method, string path, string? body, string tenantId)
    {
        using var http = _proxy.Client(token);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{own}", tenantId, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body.Replace("{own}", tenantId, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request, Cancellation);
    }

    private async Task ExpectAsync(string? token, string method, string path, string? body, string tenantId, HttpStatusCode expected, string caller)
    {
        using var response = await SendAsync(token, method, path, body, tenantId);
        Assert.True(response.StatusCode == expected,
            $"{caller}: {method} {path} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync(Cancellation)}");
        Assert.Contains("application/json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
    }

    private async Task ExpectAllowedAsync(string token, string method, string path, string? body, string tenantId, string caller)
    {
        using var response = await SendAsync(token, method, path, body, tenantId);
        var code = (int)response.StatusCode;
        Assert.True(code is >= 200 and < 300, $"{caller}: {method} {path} answered {code}: {await response.Content.ReadAsStringAsync(Cancellation)}");
    }
}
