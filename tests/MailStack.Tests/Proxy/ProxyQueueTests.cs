using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>The queue: suspend/activate, priority order, listing with cursors, deleting.</summary>
public sealed class ProxyQueueTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);


    private static object Message(string tenantId, string id, string to, int priority = 2, string? batch = null) => new
    {
        id,
        tenant_id = tenantId,
        account_id = "main",
        from = "app@example.test",
        to,
        subject = id,
        priority,
        batch_code = batch,
    };

    private static async Task<JsonElement> PostAsync(HttpClient http, string url, object? body = null)
    {
        using var response = body is null ? await http.PostAsync(url, null, Cancellation) : await http.PostAsJsonAsync(url, body, Cancellation);
        var json = await JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {json}");
        return json;
    }

    [Fact]
    public async Task Suspended_tenant_keeps_messages_pending_and_activation_sends_them_in_priority_order()
    {
        var tenantId = NewId("prio");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        var to = sink.NewAddress("priority");

        var suspended = await PostAsync(tenant, $"/commands/suspend?tenant_id={tenantId}");
        Assert.Equal(["*"], suspended.GetProperty("suspended_batches").EnumerateArray().Select(b => b.GetString()));
        await PostAsync(tenant, $"/commands/suspend?tenant_id={tenantId}"); // idempotent
        await PostAsync(tenant, "/commands/add-messages", new
        {
            messages = new[] { Message(tenantId, "low", to, 3), Message(tenantId, "medium", to, 2), Message(tenantId, "immediate", to, 0), Message(tenantId, "high", to, 1) },
        });
        await PostAsync(tenant, "/commands/run-now");
        var pending = await tenant.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={tenantId}", Cancellation);
        Assert.All(pending.GetProperty("messages").EnumerateArray(), m => Assert.Equal("pending", m.GetProperty("status").GetString()));

        var activated = await PostAsync(tenant, $"/commands/activate?tenant_id={tenantId}");
        Assert.Equal(0, activated.GetProperty("suspended_batches").GetArrayLength());
        Assert.Equal(4, activated.GetProperty("pending_messages").GetInt64());

        var delivered = await sink.WaitForCountAsync(MailSinkClient.To(to), 4, TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal(["immediate", "high", "medium", "low"], delivered.Reverse().Select(m => m.Subject));
    }

    [Fact]
    public async Task Suspending_one_batch_holds_only_that_batch()
    {
        var tenantId = NewId("batch");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        var to = sink.NewAddress("batch");

        var suspended = await PostAsync(tenant, $"/commands/suspend?tenant_id={tenantId}&batch_code=newsletter");
        Assert.Equal(["newsletter"], suspended.GetProperty("suspended_batches").EnumerateArray().Select(b => b.GetString()));
        await PostAsync(tenant, "/commands/add-messages", new { messages = new[] { Message(tenantId, "held", to, batch: "newsletter"), Message(tenantId, "free", to, batch: "alerts") } });

        await WaitForStatusAsync(tenant, tenantId, "free", s => s == "sent");
        var held = await WaitForStatusAsync(tenant, tenantId, "held", _ => true);
        Assert.Equal("pending", held.GetProperty("status").GetString());

        await PostAsync(tenant, $"/commands/suspend?tenant_id={tenantId}");
        using var batchWhileAll = await tenant.PostAsync($"/commands/activate?tenant_id={tenantId}&batch_code=newsletter", null, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, batchWhileAll.StatusCode);
        await PostAsync(tenant, $"/commands/activate?tenant_id={tenantId}");
        await WaitForStatusAsync(tenant, tenantId, "held", s => s == "sent");
    }

    [Fact]
    public async Task Re_sending_a_pending_id_replaces_it_and_only_the_new_version_is_delivered()
    {
        var tenantId = NewId("replace");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        var first = sink.NewAddress("replace-old");
        var second = sink.NewAddress("replace-new");
        await PostAsync(tenant, $"/commands/suspend?tenant_id={tenantId}");

        await PostAsync(tenant, "/commands/add-messages", new { messages = new[] { Message(tenantId, "same", first, priority: 3) } });
        var replaced = await PostAsync(tenant, "/commands/add-messages", new { messages = new[] { Message(tenantId, "same", second, priority: 0) } });
        Assert.Equal(1, replaced.GetProperty("queued").GetInt32());
        Assert.Empty(replaced.GetProperty("rejected").EnumerateArray());

        var pending = await WaitForStatusAsync(tenant, tenantId, "same", _ => true);
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal(0, pending.GetProperty("priority").GetInt32());
        Assert.Equal(second, pending.GetProperty("message").GetProperty("to").GetString());

        await PostAsync(tenant, $"/commands/activate?tenant_id={tenantId}");
        await sink.WaitForMessageAsync(MailSinkClient.To(second), TimeSpan.FromSeconds(30), Cancellation);
        await WaitForStatusAsync(tenant, tenantId, "same", s => s == "sent");
        Assert.Empty(await sink.SearchAsync(MailSinkClient.To(first), cancellationToken: Cancellation));
        var listed = await tenant.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={tenantId}", Cancellation);
        Assert.Single(listed.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Suspend_requires_a_tenant_id()
    {
        using var admin = await _proxy.AdminAsync();
        using var response = await admin.PostAsync("/commands/suspend", null, Cancellation);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Listing_pages_with_a_cursor_and_deleting_reports_what_was_not_found()
    {
        var tenantId = NewId("list");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        await PostAsync(tenant, $"/commands/suspend?tenant_id={tenantId}");
        await PostAsync(tenant, "/commands/add-messages", new { messages = Enumerable.Range(0, 5).Select(i => Message(tenantId, $"m{i}", "x@example.test")).ToArray() });

        var ids = new List<string>();
        string url = $"/messages?tenant_id={tenantId}&limit=2";
        while (true)
        {
            var page = await tenant.GetFromJsonAsync<JsonElement>(url, Cancellation);
            ids.AddRange(page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            if (!page.TryGetProperty("next_cursor", out var cursor))
            {
                break;
            }

            url = $"/messages?tenant_id={tenantId}&limit=2&cursor={cursor.GetInt64()}";
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], ids);
        var deleted = await PostAsync(tenant, $"/commands/delete-messages?tenant_id={tenantId}", new { ids = new[] { "m1", "m3", "missing" } });
        Assert.Equal(2, deleted.GetProperty("removed").GetInt32());
        Assert.Equal(["missing"], deleted.GetProperty("not_found").EnumerateArray().Select(i => i.GetString()));
        var rest = await tenant.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={tenantId}&status=pending", Cancellation);
        Assert.Equal(["m0", "m2", "m4"], rest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }
}
