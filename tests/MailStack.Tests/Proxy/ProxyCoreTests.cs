using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>Tenants and accounts through their whole life; deferred timing across suspend/activate.</summary>
public sealed class ProxyCoreTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task A_tenant_is_created_read_updated_listed_and_deleted_with_its_accounts_and_messages()
    {
        var tenantId = NewId("crud");
        using var admin = await _proxy.AdminAsync();
        using var created = await admin.PostAsJsonAsync("/tenant", new
        {
            id = tenantId,
            name = "Crud Ltd",
            client_base_url = "http://client.example.test",
            client_auth = new { method = "bearer", token = "t0k" },
            retention_seconds = 3600,
        }, Cancellation);
        var key = (await JsonAsync(created)).GetProperty("api_key").GetString()!;
        Assert.Equal(43, key.Length); // 32 random bytes, URL-safe base64 without padding

        // Upsert by id: no new key for an existing tenant.
        using var upserted = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, name = "Crud Ltd." }, Cancellation);
        Assert.False((await JsonAsync(upserted)).TryGetProperty("api_key", out _));

        using var tenant = _proxy.Client(key);
        var record = await tenant.GetFromJsonAsync<JsonElement>($"/tenant/{tenantId}", Cancellation);
        Assert.Equal("Crud Ltd.", record.GetProperty("name").GetString());
        Assert.Equal("/mail-proxy/sync", record.GetProperty("client_sync_path").GetString());
        Assert.Equal(3600, record.GetProperty("retention_seconds").GetInt32());
        Assert.True(record.GetProperty("active").GetBoolean());

        using (var updated = await tenant.PutAsJsonAsync($"/tenant/{tenantId}", new { client_sync_path = "/hooks/mail" }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        using (var deactivated = await tenant.PutAsJsonAsync("/tenant", new { id = tenantId, active = false }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        }

        record = await tenant.GetFromJsonAsync<JsonElement>($"/tenant?id={tenantId}", Cancellation);
        Assert.Equal("/hooks/mail", record.GetProperty("client_sync_path").GetString());
        Assert.Equal("Crud Ltd.", record.GetProperty("name").GetString()); // partial update kept the rest
        Assert.False(record.GetProperty("active").GetBoolean());

        var all = await admin.GetFromJsonAsync<JsonElement>("/tenants", Cancellation);
        Assert.Contains(all.GetProperty("tenants").EnumerateArray(), t => t.GetProperty("id").GetString() == tenantId);
        var active = await admin.GetFromJsonAsync<JsonElement>("/tenants?active_only=true", Cancellation);
        Assert.DoesNotContain(active.GetProperty("tenants").EnumerateArray(), t => t.GetProperty("id").GetString() == tenantId);

        using (var account = await admin.PostAsJsonAsync("/account", new { id = "main", tenant_id = tenantId, host = "localhost", port = 2525 }, Cancellation))
        {
            Assert.True(account.IsSuccessStatusCode);
        }

        using (var queued = await tenant.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { new { id = "m1", tenant_id = tenantId, account_id = "main", from = "a@example.test", to = "b@example.test", subject = "s" } },
        }, Cancellation))
        {
            Assert.Equal(1, (await JsonAsync(queued)).GetProperty("queued").GetInt32());
        }

        using (var deleted = await admin.DeleteAsync($"/tenant/{tenantId}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/tenant/{tenantId}", Cancellation)).StatusCode);
        var accounts = await admin.GetFromJsonAsync<JsonElement>($"/accounts?tenant_id={tenantId}", Cancellation);
        Assert.Empty(accounts.GetProperty("accounts").EnumerateArray());
        var messages = await admin.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={tenantId}", Cancellation);
        Assert.Empty(messages.GetProperty("messages").EnumerateArray());
        // Its key died with it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync("/status", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task An_account_keeps_every_field_but_never_returns_its_password()
    {
        var tenantId = NewId("account");
        var key = await _proxy.CreateTenantAsync(tenantId);
        using var tenant = _proxy.Client(key);
        using (var saved = await tenant.PostAsJsonAsync("/account", new
        {
            id = "full",
            tenant_id = tenantId,
            host = "smtp.example.test",
            port = 587,
            user = "mailer",
            password = "s3cret-pw",
            use_tls = true,
            limit_per_minute = 10,
            limit_per_hour = 100,
            limit_per_day = 1000,
            limit_behavior = "reject",
            batch_size = 25,
        }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        using var listed = await tenant.GetAsync($"/accounts?tenant_id={tenantId}", Cancellation);
        var text = await listed.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain("s3cret-pw", text, StringComparison.Ordinal);
        var account = JsonDocument.Parse(text).RootElement.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "full");
        Assert.False(account.TryGetProperty("password", out _));
        Assert.Equal("smtp.example.test", account.GetProperty("host").GetString());
        Assert.Equal(587, account.GetProperty("port").GetInt32());
        Assert.Equal("mailer", account.GetProperty("user").GetString());
        Assert.True(account.GetProperty("use_tls").GetBoolean());
        Assert.Equal(10, account.GetProperty("limit_per_minute").GetInt32());
        Assert.Equal(100, account.GetProperty("limit_per_hour").GetInt32());
        Assert.Equal(1000, account.GetProperty("limit_per_day").GetInt32());
        Assert.Equal("reject", account.GetProperty("limit_behavior").GetString());
        Assert.Equal(25, account.GetProperty("batch_size").GetInt32());

        // Upsert on (tenant_id, id), then delete; a second delete is a 404.
        using (var changed = await tenant.PostAsJsonAsync("/account", new { id = "full", tenant_id = tenantId, host = "smtp2.example.test", port = 465 }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        var after = await tenant.GetFromJsonAsync<JsonElement>($"/accounts?tenant_id={tenantId}", Cancellation);
        Assert.Equal("smtp2.example.test", after.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "full").GetProperty("host").GetString());
        Assert.Equal(HttpStatusCode.OK, (await tenant.DeleteAsync($"/account/full?tenant_id={tenantId}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.DeleteAsync($"/account/full?tenant_id={tenantId}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Suspend_and_activate_keep_a_messages_deferred_time()
    {
        var tenantId = NewId("keepdefer");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        var later = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        using (var queued = await tenant.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { new { id = "later", tenant_id = tenantId, account_id = "main", from = "a@example.test", to = "b@example.test", subject = "s", deferred_ts = later } },
        }, Cancellation))
        {
            Assert.Equal(1, (await JsonAsync(queued)).GetProperty("queued").GetInt32());
        }

        var suspended = await JsonAsync(await tenant.PostAsync($"/commands/suspend?tenant_id={tenantId}", null, Cancellation));
        Assert.Equal(1, suspended.GetProperty("pending_messages").GetInt64());
        var activated = await JsonAsync(await tenant.PostAsync($"/commands/activate?tenant_id={tenantId}", null, Cancellation));
        Assert.Empty(activated.GetProperty("suspended_batches").EnumerateArray());
        using (var runNow = await tenant.PostAsync("/commands/run-now", null, Cancellation))
        {
            Assert.True(runNow.IsSuccessStatusCode);
        }

        // Activation (and a dispatch woken by run-now) does not make it due: it keeps its time and waits.
        var record = await WaitForStatusAsync(tenant, tenantId, "later", _ => true);
        Assert.Equal(later, record.GetProperty("deferred_ts").GetInt64());
        Assert.Equal("pending", record.GetProperty("status").GetString());
        Assert.False(record.TryGetProperty("sent_ts", out _));
    }
}
