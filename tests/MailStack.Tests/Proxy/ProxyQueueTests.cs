using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>The queue: suspend/activate, priority order, run-now, listing with cursors and batch codes, deleting.</summary>
public sealed class ProxyQueueTests(StackFixture stack)
{
    /// <summary>A few of the stack proxy's poll intervals (0.5 s): long enough for it to have sent what it would send.</summary>
    private static readonly TimeSpan PollWindow = TimeSpan.FromSeconds(2);

    private readonly ProxyApi _proxy = new(stack);

    private static OutgoingMessage Message(string tenantId, string id, string to, int priority = 2, string? batch = null) =>
        OutgoingMessage.For(tenantId, id, to) with { Priority = priority, BatchCode = batch };

    /// <summary>Fails if any of the tenant's messages <paramref name="ids"/> leaves pending within <see cref="PollWindow"/>.</summary>
    private static Task StaysPendingAsync(HttpClient tenant, string tenantId, params string[] ids) =>
        Eventually.NeverAsync(
            async c => (await tenant.ListMessagesAsync(tenantId, "", c)).Messages.Any(m => ids.Contains(m.Id) && m.Status != MessageStatus.Pending),
            PollWindow,
            $"one of {string.Join(", ", ids)} leaving pending");

    // catalog: M15
    // catalog: M16
    [Fact]
    public async Task Suspended_tenant_keeps_messages_pending_and_activation_sends_them_in_priority_order()
    {
        var tenantId = NewId("prio");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var to = sink.NewAddress("priority");

        var suspended = await tenant.SuspendAsync(tenantId);
        Assert.Equal(["*"], suspended.SuspendedBatches);
        await tenant.SuspendAsync(tenantId); // idempotent
        await tenant.AddMessagesAsync(Message(tenantId, "low", to, 3), Message(tenantId, "medium", to, 2), Message(tenantId, "immediate", to, 0), Message(tenantId, "high", to, 1));
        await tenant.RunNowAsync();
        await StaysPendingAsync(tenant, tenantId, "low", "medium", "immediate", "high");

        var activated = await tenant.ActivateAsync(tenantId);
        Assert.Empty(activated.SuspendedBatches);
        Assert.Equal(4, activated.PendingMessages);

        var delivered = await sink.WaitForCountAsync(MailSinkClient.To(to), 4, TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal(["immediate", "high", "medium", "low"], delivered.Reverse().Select(m => m.Subject));
    }

    // catalog: M12
    // catalog: M14
    [Fact]
    public async Task Suspending_one_batch_holds_only_that_batch()
    {
        var tenantId = NewId("batch");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var to = sink.NewAddress("batch");

        var suspended = await tenant.SuspendAsync(tenantId, "newsletter");
        Assert.Equal(["newsletter"], suspended.SuspendedBatches);
        await tenant.AddMessagesAsync(Message(tenantId, "held", to, batch: "newsletter"), Message(tenantId, "free", to, batch: "alerts"));

        await WaitForStatusAsync(tenant, tenantId, "free", s => s == MessageStatus.Sent);
        var held = await WaitForStatusAsync(tenant, tenantId, "held", _ => true);
        Assert.Equal(MessageStatus.Pending, held.Status);

        await tenant.SuspendAsync(tenantId);
        using var batchWhileAll = await tenant.PostAsync($"/commands/activate?tenant_id={tenantId}&batch_code=newsletter", null, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, batchWhileAll.StatusCode);
        await tenant.ActivateAsync(tenantId);
        await WaitForStatusAsync(tenant, tenantId, "held", s => s == MessageStatus.Sent);
    }

    // catalog: M13
    // catalog: O03
    [Fact]
    public async Task Activating_one_batch_resumes_exactly_that_batch()
    {
        var tenantId = NewId("resume");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var to = sink.NewAddress("resume");
        await tenant.SuspendAsync(tenantId, "newsletter");
        Assert.Equal(["digest", "newsletter"], (await tenant.SuspendAsync(tenantId, "digest")).SuspendedBatches.Order(StringComparer.Ordinal));

        await tenant.AddMessagesAsync(
            Message(tenantId, "news", to, batch: "newsletter"),
            Message(tenantId, "digest", to, batch: "digest"),
            Message(tenantId, "alert", to, batch: "alerts"));
        await WaitForStatusAsync(tenant, tenantId, "alert", s => s == MessageStatus.Sent);
        await StaysPendingAsync(tenant, tenantId, "news", "digest");

        var activated = await tenant.ActivateAsync(tenantId, "newsletter");
        Assert.Equal(["digest"], activated.SuspendedBatches);
        Assert.Equal("newsletter", activated.BatchCode);

        await WaitForStatusAsync(tenant, tenantId, "news", s => s == MessageStatus.Sent);
        Assert.Equal("news", (await sink.WaitForMessageAsync($"{MailSinkClient.To(to)} subject:news", TimeSpan.FromSeconds(30), Cancellation)).Subject);
        await StaysPendingAsync(tenant, tenantId, "digest");
    }

    // catalog: O07
    // catalog: O08
    [Theory]
    [InlineData(null, "[\"*\"]")]
    [InlineData("newsletter", "[\"newsletter\"]")]
    public async Task Suspending_twice_and_activating_twice_answer_alike(string? batch, string suspendedBatches)
    {
        var tenantId = NewId("twice");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        string Url(string command) => $"/commands/{command}?tenant_id={tenantId}{(batch is null ? "" : "&batch_code=" + batch)}";

        var suspended = await CommandTextAsync(tenant, Url("suspend"));
        var suspendedAgain = await CommandTextAsync(tenant, Url("suspend"));
        Assert.Equal(suspended, suspendedAgain);
        Assert.Equal(JsonDocument.Parse(suspendedBatches).RootElement.GetRawText(), JsonDocument.Parse(suspended).RootElement.GetProperty("suspended_batches").GetRawText());

        var activated = await CommandTextAsync(tenant, Url("activate"));
        var activatedAgain = await CommandTextAsync(tenant, Url("activate"));
        Assert.Equal(activated, activatedAgain);
        Assert.Equal("[]", JsonDocument.Parse(activated).RootElement.GetProperty("suspended_batches").GetRawText());
        // Both answers have the same fields: only the suspended batches differ.
        Assert.Equal(
            JsonDocument.Parse(suspended).RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            JsonDocument.Parse(activated).RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static async Task<string> CommandTextAsync(HttpClient tenant, string url)
    {
        using var response = await tenant.PostAsync(url, null, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return text;
    }

    // catalog: O09
    [Fact]
    public async Task Suspending_one_tenant_leaves_another_sending()
    {
        var suspendedId = NewId("held");
        var activeId = NewId("active");
        using var suspended = _proxy.Client(await _proxy.CreateTenantAsync(suspendedId));
        using var active = _proxy.Client(await _proxy.CreateTenantAsync(activeId));
        using var sink = _proxy.Sink("sink-tenant1");
        var to = sink.NewAddress("tenant-apart");
        await suspended.SuspendAsync(suspendedId);

        await suspended.AddMessagesAsync(Message(suspendedId, "held", to));
        await active.AddMessagesAsync(Message(activeId, "goes", to));

        await WaitForStatusAsync(active, activeId, "goes", s => s == MessageStatus.Sent);
        Assert.Equal("goes", (await sink.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation)).Subject);
        await StaysPendingAsync(suspended, suspendedId, "held");
        Assert.Single(await sink.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation));
    }

    // catalog: S02
    [Fact]
    public async Task Run_now_dispatches_what_the_next_poll_would_have_sent_much_later()
    {
        // A proxy of its own (its own database, so no other proxy takes the message) that polls every
        // ten minutes: once the message is due, only run-now can send it within the test.
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:PollInterval"] = "00:10:00" },
        });
        using var admin = proxy.Client();
        var tenantId = NewId("runnow");
        await _proxy.CreateTenantAsync(tenantId, echo: null, admin: admin);

        using var sink = _proxy.Sink("sink-tenant1");
        var to = sink.NewAddress("run-now");
        // Enqueueing wakes dispatch, so the message must not be due yet then: due five seconds
        // later, time enough for that claim even on a loaded machine (two seconds were not, at load 49).
        var due = DateTimeOffset.UtcNow.AddSeconds(5);
        await admin.AddMessagesAsync(Message(tenantId, "later", to) with { DeferredTs = due.ToUnixTimeSeconds() });
        var quietUntil = due.AddSeconds(3) - DateTimeOffset.UtcNow;
        await Eventually.NeverAsync(async c => (await sink.SearchAsync(MailSinkClient.To(to), cancellationToken: c)).Count > 0, quietUntil, "a send before run-now");
        Assert.Equal(MessageStatus.Pending, (await admin.FindMessageAsync(tenantId, "later", Cancellation))!.Status);

        await admin.RunNowAsync(tenantId);
        Assert.Equal("later", (await sink.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation)).Subject);
        await WaitForStatusAsync(admin, tenantId, "later", s => s == MessageStatus.Sent);
    }

    [Fact]
    public async Task Re_sending_a_pending_id_replaces_it_and_only_the_new_version_is_delivered()
    {
        var tenantId = NewId("replace");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var first = sink.NewAddress("replace-old");
        var second = sink.NewAddress("replace-new");
        await tenant.SuspendAsync(tenantId);

        await tenant.AddMessagesAsync(Message(tenantId, "same", first, priority: 3));
        var replaced = await tenant.AddMessagesAsync(Message(tenantId, "same", second, priority: 0));
        Assert.Equal(1, replaced.Queued);
        Assert.Empty(replaced.Rejected);

        var pending = await WaitForStatusAsync(tenant, tenantId, "same", _ => true);
        Assert.Equal(MessageStatus.Pending, pending.Status);
        Assert.Equal(0, pending.Priority);
        Assert.Equal(second, pending.Message!.To);

        await tenant.ActivateAsync(tenantId);
        await sink.WaitForMessageAsync(MailSinkClient.To(second), TimeSpan.FromSeconds(30), Cancellation);
        await WaitForStatusAsync(tenant, tenantId, "same", s => s == MessageStatus.Sent);
        Assert.Empty(await sink.SearchAsync(MailSinkClient.To(first), cancellationToken: Cancellation));
        Assert.Single((await tenant.ListMessagesAsync(tenantId, "", Cancellation)).Messages);
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
        await tenant.SuspendAsync(tenantId);
        await tenant.AddMessagesAsync([.. Enumerable.Range(0, 5).Select(i => Message(tenantId, $"m{i}", "x@example.test"))]);

        var ids = new List<string>();
        var query = "limit=2";
        while (true)
        {
            var page = await tenant.ListMessagesAsync(tenantId, query, Cancellation);
            ids.AddRange(page.Messages.Select(m => m.Id));
            if (page.NextCursor is not { } cursor)
            {
                break;
            }

            query = $"limit=2&cursor={cursor}";
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], ids);
        var deleted = await tenant.DeleteMessagesAsync(tenantId, "m1", "m3", "missing");
        Assert.Equal(2, deleted.Removed);
        Assert.Equal(["missing"], deleted.NotFound);
        var rest = await tenant.ListMessagesAsync(tenantId, "status=pending", Cancellation);
        Assert.Equal(["m0", "m2", "m4"], rest.Messages.Select(m => m.Id));
    }

    // catalog: M11
    [Fact]
    public async Task A_batch_code_is_stored_read_back_and_filters_the_listing()
    {
        var tenantId = NewId("batches");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        await tenant.SuspendAsync(tenantId);
        await tenant.AddMessagesAsync(
            Message(tenantId, "s1", "x@example.test", batch: "spring-2026"),
            Message(tenantId, "a1", "x@example.test", batch: "autumn-2026"),
            Message(tenantId, "s2", "x@example.test", batch: "spring-2026"),
            Message(tenantId, "none", "x@example.test"));

        var all = (await tenant.ListMessagesAsync(tenantId, "", Cancellation)).Messages.ToDictionary(m => m.Id, m => m.BatchCode);
        Assert.Equal(new Dictionary<string, string?> { ["s1"] = "spring-2026", ["a1"] = "autumn-2026", ["s2"] = "spring-2026", ["none"] = null }, all);
        var spring = await tenant.ListMessagesAsync(tenantId, "batch_code=spring-2026", Cancellation);
        Assert.Equal(["s1", "s2"], spring.Messages.Select(m => m.Id));
        Assert.All(spring.Messages, m => Assert.Equal("spring-2026", m.BatchCode));
        Assert.Equal(["a1"], (await tenant.ListMessagesAsync(tenantId, "batch_code=autumn-2026", Cancellation)).Messages.Select(m => m.Id));
    }

    // catalog: S04
    [Theory]
    [InlineData("'; DROP TABLE messages; --")]
    [InlineData("x' OR '1'='1")]
    public async Task A_sql_like_message_id_is_added_listed_and_deleted_as_plain_text(string id)
    {
        var tenantId = NewId("sqlid");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        await tenant.SuspendAsync(tenantId);
        await tenant.AddMessagesAsync(Message(tenantId, "neighbour", "x@example.test"));

        var added = await tenant.AddMessagesAsync(Message(tenantId, id, "x@example.test"));
        Assert.Equal(1, added.Queued);
        Assert.Empty(added.Rejected);
        Assert.Equal(new[] { id, "neighbour" }.Order(StringComparer.Ordinal), (await tenant.ListMessagesAsync(tenantId, "", Cancellation)).Messages.Select(m => m.Id).Order(StringComparer.Ordinal));

        var deleted = await tenant.DeleteMessagesAsync(tenantId, id);
        Assert.Equal(1, deleted.Removed);
        Assert.Empty(deleted.NotFound);
        Assert.Equal(["neighbour"], (await tenant.ListMessagesAsync(tenantId, "", Cancellation)).Messages.Select(m => m.Id));
    }
}
