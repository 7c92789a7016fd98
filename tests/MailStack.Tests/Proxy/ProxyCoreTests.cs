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
        var key = (await created.ReadAsync<TenantSaved>()).ApiKey!;
        Assert.Equal(43, key.Length); // 32 random bytes, URL-safe base64 without padding

        // Upsert by id: no new key for an existing tenant.
        using var upserted = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, name = "Crud Ltd." }, Cancellation);
        Assert.Null((await upserted.ReadAsync<TenantSaved>()).ApiKey);

        using var tenant = _proxy.Client(key);
        var record = await tenant.GetTenantAsync(tenantId);
        Assert.Equal("Crud Ltd.", record.Name);
        Assert.Equal("/mail-proxy/sync", record.ClientSyncPath);
        Assert.Equal(3600, record.RetentionSeconds);
        Assert.True(record.Active);

        using (var updated = await tenant.PutAsJsonAsync($"/tenant/{tenantId}", new { client_sync_path = "/hooks/mail" }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        using (var deactivated = await tenant.PutAsJsonAsync("/tenant", new { id = tenantId, active = false }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        }

        using (var byQuery = await tenant.GetAsync($"/tenant?id={tenantId}", Cancellation))
        {
            record = await byQuery.ReadAsync<TenantRecord>();
        }

        Assert.Equal("/hooks/mail", record.ClientSyncPath);
        Assert.Equal("Crud Ltd.", record.Name); // partial update kept the rest
        Assert.False(record.Active);

        Assert.Contains(await admin.ListTenantsAsync(), t => t.Id == tenantId);
        Assert.DoesNotContain(await admin.ListTenantsAsync(activeOnly: true), t => t.Id == tenantId);

        using (var account = await admin.PostAsJsonAsync("/account", new { id = "main", tenant_id = tenantId, host = "localhost", port = 2525 }, Cancellation))
        {
            Assert.True(account.IsSuccessStatusCode);
        }

        Assert.Equal(1, (await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, "m1", "b@example.test", "s") with { From = "a@example.test" })).Queued);

        using (var deleted = await admin.DeleteAsync($"/tenant/{tenantId}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/tenant/{tenantId}", Cancellation)).StatusCode);
        Assert.Empty(await admin.ListAccountsAsync(tenantId));
        Assert.Empty((await admin.ListMessagesAsync(tenantId, "", Cancellation)).Messages);
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
        Assert.DoesNotContain("\"password\"", text, StringComparison.Ordinal);
        var account = (await listed.ReadAsync<AccountList>()).Accounts.Single(a => a.Id == "full");
        Assert.Equal(
            new AccountRecord
            {
                Id = "full",
                TenantId = tenantId,
                Host = "smtp.example.test",
                Port = 587,
                User = "mailer",
                UseTls = true,
                LimitPerMinute = 10,
                LimitPerHour = 100,
                LimitPerDay = 1000,
                LimitBehavior = "reject",
                BatchSize = 25,
            },
            account);

        // Upsert on (tenant_id, id), then delete; a second delete is a 404.
        using (var changed = await tenant.PostAsJsonAsync("/account", new { id = "full", tenant_id = tenantId, host = "smtp2.example.test", port = 465 }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        Assert.Equal("smtp2.example.test", (await tenant.ListAccountsAsync(tenantId)).Single(a => a.Id == "full").Host);
        Assert.Equal(HttpStatusCode.OK, (await tenant.DeleteAsync($"/account/full?tenant_id={tenantId}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.DeleteAsync($"/account/full?tenant_id={tenantId}", Cancellation)).StatusCode);
    }

    // catalog: O11
    [Fact]
    public async Task Suspend_and_activate_keep_a_messages_deferred_time()
    {
        var tenantId = NewId("keepdefer");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        var later = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        Assert.Equal(1, (await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, "later", "b@example.test", "s") with { From = "a@example.test", DeferredTs = later })).Queued);

        var suspended = await tenant.SuspendAsync(tenantId);
        Assert.Equal(1, suspended.PendingMessages);
        var activated = await tenant.ActivateAsync(tenantId);
        Assert.Empty(activated.SuspendedBatches);
        await tenant.RunNowAsync();

        // Activation (and a dispatch woken by run-now) does not make it due: it keeps its time and
        // waits, over several of the proxy's polls (every 0.5 s here).
        await Eventually.NeverAsync(async c =>
        {
            var record = await tenant.FindMessageAsync(tenantId, "later", c);
            return record is not { Status: MessageStatus.Pending, SentTs: null } || record.DeferredTs != later;
        }, TimeSpan.FromSeconds(2), "the deferred message being sent or losing its time");
    }
}
