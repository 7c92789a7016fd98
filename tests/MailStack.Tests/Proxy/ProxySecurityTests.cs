using MailStack.Proxy.Persistence;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

public sealed class ProxySecurityTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task Health_is_open_and_status_needs_a_valid_token()
    {
        using var anonymous = _proxy.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/status", Cancellation)).StatusCode);
        using var wrong = _proxy.Client("not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/status", Cancellation)).StatusCode);
        using var admin = await _proxy.AdminAsync();
        using (var status = await admin.GetAsync("/status", Cancellation))
        {
            Assert.True((await status.ReadAsync<JsonElement>()).GetProperty("ok").GetBoolean());
        }

        using var bearer = _proxy.Client(null);
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", await _proxy.AdminTokenAsync());
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/status", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Tenant_token_reaches_its_own_tenant_only_and_no_admin_route()
    {
        var mine = NewId("own");
        var other = NewId("other");
        var key = await _proxy.CreateTenantAsync(mine);
        await _proxy.CreateTenantAsync(other);
        using var tenant = _proxy.Client(key);

        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync($"/tenant/{mine}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync($"/tenant?id={mine}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync($"/tenant/{other}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync($"/accounts?tenant_id={other}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync($"/messages?tenant_id={other}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PutAsJsonAsync($"/tenant/{other}", new { name = "hijack" }, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/tenants", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PostAsJsonAsync("/tenant", new { id = NewId("new") }, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.DeleteAsync($"/tenant/{mine}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PostAsync($"/tenant/{mine}/api-key", null, Cancellation)).StatusCode);
        var enqueue = await tenant.PostAsJsonAsync("/commands/add-messages", new { messages = new[] { OutgoingMessage.For(other, "x", "b@example.test", "s") } }, Cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, enqueue.StatusCode);
    }

    [Fact]
    public async Task Rotating_a_key_stops_the_old_one_at_once_and_revoking_stops_it()
    {
        var id = NewId("rotate");
        var oldKey = await _proxy.CreateTenantAsync(id);
        using var admin = await _proxy.AdminAsync();
        using var old = _proxy.Client(oldKey);
        // Used just before, so the proxy has the key's lookup at hand (it keeps lookups for a second).
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);

        using var rotated = await admin.PostAsync($"/tenant/{id}/api-key", null, Cancellation);
        var newKey = (await rotated.ReadAsync<TenantSaved>()).ApiKey!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);

        using (var fresh = _proxy.Client(newKey))
        {
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/tenant/{id}/api-key", Cancellation)).StatusCode);
        using var revoked = _proxy.Client(newKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task A_key_rotated_through_one_replica_stops_there_at_once_and_on_the_other_within_a_second()
    {
        // On a clock that stands still, each replica keeps the lookup it made until the test moves time.
        await using var replicas = await ClockedProxy.StartAsync(stack, replicas: 2);
        var id = NewId("replicas");
        using var admin = replicas.Client(replica: 0);
        using var created = await admin.PostAsJsonAsync("/tenant", new { id }, Cancellation);
        var oldKey = (await created.ReadAsync<TenantSaved>()).ApiKey!;
        using var viaFirst = replicas.Client(oldKey, replica: 0);
        using var viaSecond = replicas.Client(oldKey, replica: 1);
        Assert.Equal(HttpStatusCode.OK, (await viaFirst.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viaSecond.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);

        using var rotated = await admin.PostAsync($"/tenant/{id}/api-key", null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await viaFirst.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viaSecond.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);
        replicas.Clock.Advance(ApiKeyCache.Lifetime);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viaSecond.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_tenant_stops_its_key_at_once()
    {
        var id = NewId("deleted");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(id));
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync($"/tenant/{id}", Cancellation)).StatusCode);

        using var admin = await _proxy.AdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/tenant/{id}", Cancellation)).StatusCode);

        using var after = await tenant.GetAsync($"/tenant/{id}", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("""{"ok":false,"detail":"invalid, revoked or expired API token"}""", await after.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Account_passwords_are_never_returned()
    {
        var id = NewId("secret");
        var key = await _proxy.CreateTenantAsync(id);
        using var tenant = _proxy.Client(key);
        using var upsert = await tenant.PostAsJsonAsync("/account", new { id = "auth", tenant_id = id, host = "127.0.0.1", port = 2525, user = "u", password = "TOP-SECRET-PW" }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, upsert.StatusCode);

        var accounts = await tenant.GetStringAsync($"/accounts?tenant_id={id}", Cancellation);
        Assert.Contains("\"user\":\"u\"", accounts, StringComparison.Ordinal);
        Assert.DoesNotContain("TOP-SECRET-PW", accounts, StringComparison.Ordinal);
        Assert.DoesNotContain("password", accounts, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'; DROP TABLE tenants; --")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("../../etc/passwd")]
    public async Task Hostile_strings_are_stored_literally_without_a_500(string hostile)
    {
        using var admin = await _proxy.AdminAsync();
        var id = NewId("hostile");
        using var created = await admin.PostAsJsonAsync("/tenant", new { id, name = hostile }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(hostile, (await admin.GetTenantAsync(id)).Name);
        using var lookup = await admin.GetAsync($"/tenant/{Uri.EscapeDataString(hostile)}", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Malformed_deep_and_oversized_bodies_are_rejected_cleanly()
    {
        using var admin = await _proxy.AdminAsync();
        using var malformed = await admin.PostAsync("/tenant", new StringContent("{\"id\": ", System.Text.Encoding.UTF8, "application/json"), Cancellation);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, malformed.StatusCode);
        var deep = new string('[', 5000) + new string(']', 5000);
        using var deepResponse = await admin.PostAsync("/commands/add-messages", new StringContent(deep, System.Text.Encoding.UTF8, "application/json"), Cancellation);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, deepResponse.StatusCode);
        // As curl does for large bodies: wait for the server's go-ahead, so a refusal is read, not a broken pipe.
        admin.DefaultRequestHeaders.ExpectContinue = true;
        using var huge = await admin.PostAsync("/commands/add-messages", new StringContent("{\"messages\":[\"" + new string('x', 10 * 1024 * 1024) + "\"]}", System.Text.Encoding.UTF8, "application/json"), Cancellation);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/status", Cancellation)).StatusCode);
    }
}
