using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>Delivery reports against a tenant endpoint that fails, then recovers; heartbeats.</summary>
public sealed class ProxyReportingTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    /// <summary>Every delivery report echo-tenant1 got on <paramref name="path"/>.</summary>
    private async Task<List<IReadOnlyList<DeliveryReportItem>>> ReportsAtAsync(string path)
    {
        using var echo = _proxy.Echo("echo-tenant1");
        return await echo.ReportsAsync(path, Cancellation);
    }

    [Fact]
    public async Task A_failing_endpoint_gets_the_same_events_again_until_it_acknowledges()
    {
        var tenantId = NewId("flaky");
        var path = $"/sync/{tenantId}";
        using var echo = _proxy.Echo("echo-tenant1");
        await echo.SetReplyAsync(path, 503, null, null, Cancellation);

        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, syncPath: path));
        using var sink = _proxy.Sink("sink-tenant1");
        await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, "r1", sink.NewAddress("report"), "report me") with { From = "a@example.test" });
        await WaitForStatusAsync(tenant, tenantId, "r1", s => s == MessageStatus.Sent);

        // Refused at least once: the event stays unreported.
        await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Any(r => r.Any(i => i.Id == "r1")) ? "" : null, "a refused report");
        var history = await WaitForStatusAsync(tenant, tenantId, "r1", _ => true);
        Assert.Null(history.History![0].ReportedTs);

        await echo.SetReplyAsync(path, 200, new { ok = true }, null, Cancellation);

        await WaitForStatusAsync(tenant, tenantId, "r1", _ => true, reported: true);
        var attempts = (await ReportsAtAsync(path)).Count(r => r.Any(i => i.Id == "r1"));
        Assert.True(attempts >= 2, $"the event was posted {attempts} time(s)");
    }

    [Fact]
    public async Task A_tenant_whose_endpoint_never_answers_does_not_hold_up_another_tenants_reports()
    {
        // Tenant A's endpoint takes ten minutes to answer: each of its reports is retried and cut off
        // by the proxy's timeouts (30 s a report) — time in which B's reports must still go out.
        var slowId = NewId("slow");
        var slowPath = $"/sync/{slowId}";
        using var echo = _proxy.Echo("echo-tenant1");
        await echo.SetReplyAsync(slowPath, 200, new { ok = true }, null, Cancellation, TimeSpan.FromMinutes(10));
        using var admin = await _proxy.AdminAsync();
        try
        {
            await _proxy.CreateTenantAsync(slowId, syncPath: slowPath);
            await Eventually.GetAsync(async c => await echo.RequestsAsync(slowPath, c) is [var first, ..] ? first : null, "the slow tenant's first report to be waiting");

            var fastId = NewId("prompt");
            var fastPath = $"/sync/{fastId}";
            using var fast = _proxy.Client(await _proxy.CreateTenantAsync(fastId, syncPath: fastPath));
            using var sink = _proxy.Sink("sink-tenant1");
            await fast.AddMessagesAsync(OutgoingMessage.For(fastId, "b1", sink.NewAddress("prompt-report"), "prompt report"));

            var item = await Eventually.GetAsync(async _ => (await ReportsAtAsync(fastPath)).SelectMany(r => r).FirstOrDefault(i => i.Id == "b1"),
                "tenant B's report while tenant A's is still waiting", TimeSpan.FromSeconds(15));
            Assert.True(item.SentTs > 0);
        }
        finally
        {
            // Deleted, the slow tenant is no longer reported to once its report in flight times out.
            using var deleted = await admin.DeleteAsync($"/tenant/{slowId}", CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_active_tenant_with_nothing_to_report_gets_a_heartbeat()
    {
        var tenantId = NewId("heartbeat");
        var path = $"/sync/{tenantId}";
        await _proxy.CreateTenantAsync(tenantId, syncPath: path);

        var heartbeat = await Eventually.GetAsync(async _ => await ReportsAtAsync(path) is [var first, ..] ? first : null, "a heartbeat");
        Assert.Empty(heartbeat);
    }

    [Theory]
    [InlineData("bearer", "Bearer tok-123")]
    [InlineData("basic", "Basic YXBwOnB3IDpz")] // app:pw :s
    public async Task Reports_carry_the_tenants_client_auth(string method, string expected)
    {
        var tenantId = NewId("clientauth");
        var path = $"/sync/{tenantId}";
        using var admin = await _proxy.AdminAsync();
        using var echo = _proxy.Echo("echo-tenant1");
        using var created = await admin.PostAsJsonAsync("/tenant", new
        {
            id = tenantId,
            client_base_url = _proxy.EchoUrl("echo-tenant1"),
            client_sync_path = path,
            client_auth = new { method, token = "tok-123", user = "app", password = "pw :s" },
        }, Cancellation);
        Assert.True(created.IsSuccessStatusCode);

        // The new tenant's first heartbeat.
        var request = await Eventually.GetAsync(async c => await echo.RequestsAsync(path, c) is [var first, ..] ? first : null, "a report at the tenant's endpoint");
        Assert.Equal(expected, request.Headers["Authorization"]);
    }

    [Fact]
    public async Task A_reply_with_queued_gets_the_next_sync_at_once()
    {
        var tenantId = NewId("queued");
        var path = $"/sync/{tenantId}";
        // The first sync (the new tenant's heartbeat) hears "3 more queued"; later ones a plain ok.
        await SetReplyAsync(path, new { ok = true, queued = 3 }, times: 1);
        await _proxy.CreateTenantAsync(tenantId, syncPath: path);

        // Without "queued" the next sync would wait for the sync interval (5 minutes here).
        var syncs = await Eventually.GetAsync(async _ => await ReportsAtAsync(path) is { Count: >= 2 } reports ? reports : null,
            "a second sync straight after the reply with queued", TimeSpan.FromSeconds(20));
        Assert.All(syncs, report => Assert.Empty(report));
    }

    [Fact]
    public async Task Next_sync_after_holds_heartbeats_but_not_events_and_run_now_lifts_it()
    {
        // A proxy with a one-second sync interval, so heartbeats (and their absence) show quickly; on a
        // database of its own, so it neither sends nor reports for other tests' tenants.
        await using var fast = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:SyncInterval"] = "00:00:01" },
        });
        var tenantId = NewId("dnd");
        var path = $"/sync/{tenantId}";
        await SetReplyAsync(path, new { ok = true });
        using var admin = fast.Client();
        using var tenant = fast.Client(await _proxy.CreateTenantAsync(tenantId, syncPath: path, admin: admin));
        await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Count >= 3 ? "" : null, "heartbeats every second", TimeSpan.FromSeconds(20));

        var until = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        await SetReplyAsync(path, new { ok = true, next_sync_after = until });
        await Eventually.GetAsync(async c => await NextSyncAfterAsync(fast, tenantId, c) == until ? "" : null, "the tenant's do-not-disturb to be stored");
        var quietFrom = (await ReportsAtAsync(path)).Count;
        await Eventually.NeverAsync(async _ => (await ReportsAtAsync(path)).Count > quietFrom, TimeSpan.FromSeconds(3), "a heartbeat during do-not-disturb");

        // An event is reported anyway.
        using var sink = _proxy.Sink("sink-tenant1");
        await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, "e1", sink.NewAddress("dnd"), "event during dnd") with { From = "a@example.test" });
        await WaitForStatusAsync(tenant, tenantId, "e1", s => s == MessageStatus.Sent, reported: true);
        Assert.Contains(await ReportsAtAsync(path), r => r.Any(i => i.Id == "e1"));

        // run-now with the tenant's token lifts it: heartbeats come back.
        await SetReplyAsync(path, new { ok = true });
        var before = (await ReportsAtAsync(path)).Count;
        await tenant.RunNowAsync(tenantId);

        await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Skip(before).Count(r => r.Count == 0) >= 2 ? "" : null,
            "heartbeats again after run-now", TimeSpan.FromSeconds(20));
        Assert.Null(await NextSyncAfterAsync(fast, tenantId, Cancellation));
    }

    private async Task SetReplyAsync(string path, object body, int? times = null)
    {
        using var echo = _proxy.Echo("echo-tenant1");
        await echo.SetReplyAsync(path, 200, body, times, Cancellation);
    }

    // catalog: D09
    [Fact]
    public async Task One_tenants_reports_carry_both_sent_and_error_items()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        // The sink answers 550 to any address at a "reject." domain and accepts the rest.
        sink.Chaos.Apply(new ChaosSettings { Preset = "address_rules" });
        var tenantId = NewId("mixed");
        var path = $"/sync/{tenantId}";
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort, _proxy.EchoUrl("echo-tenant1"), path));

        await tenant.AddMessagesAsync(
            OutgoingMessage.For(tenantId, "fine", "someone@fine.test"),
            OutgoingMessage.For(tenantId, "refused", "someone@reject.test"));
        await WaitForStatusAsync(tenant, tenantId, "fine", s => s == MessageStatus.Sent, reported: true);
        var refused = await WaitForStatusAsync(tenant, tenantId, "refused", s => s == MessageStatus.Error, reported: true);

        var items = (await ReportsAtAsync(path)).SelectMany(report => report).ToList();
        var sent = items.First(i => i.Id == "fine");
        Assert.True(sent.SentTs > 0);
        Assert.Null(sent.ErrorTs);
        var error = items.First(i => i.Id == "refused");
        Assert.True(error.ErrorTs > 0);
        Assert.Null(error.SentTs);
        Assert.Equal(refused.Error, error.Error);
        Assert.EndsWith("(SMTP 550)", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outcomes_recorded_before_a_dispatch_round_failed_are_reported_at_once()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        // Reports go out only when a dispatch round wakes the reporter: it looks for due reports hourly
        // here (the dispatcher is woken by add-messages).
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:PollInterval"] = "01:00:00", ["Proxy:Dispatch:SyncInterval"] = "01:00:00" },
        });
        var tenantId = NewId("halfway");
        var path = $"/sync/{tenantId}";
        await SetReplyAsync(path, new { ok = true });
        // PostgreSQL refuses every outcome of "second" (sent, but the database went away, say): the
        // round that sends it fails after "first", a priority level before it, was sent and recorded.
        await using (var trigger = proxy.Database.CreateCommand($$"""
            CREATE FUNCTION refuse_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the outcome of % is refused by the test', OLD.id;
            END $$;
            CREATE TRIGGER refuse_outcome BEFORE UPDATE ON messages FOR EACH ROW
                WHEN (OLD.tenant_id = '{{tenantId}}' AND OLD.id = 'second' AND OLD.status = 'sending' AND NEW.status <> 'sending')
                EXECUTE FUNCTION refuse_outcome();
            """))
        {
            await trigger.ExecuteNonQueryAsync(Cancellation);
        }

        using var admin = proxy.Client();
        using var tenant = proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort, _proxy.EchoUrl("echo-tenant1"), path, admin));
        await tenant.AddMessagesAsync(
            OutgoingMessage.For(tenantId, "first", "someone@example.test") with { Priority = 1 },
            OutgoingMessage.For(tenantId, "second", "someone@example.test") with { Priority = 2 });

        var reported = await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).SelectMany(report => report).FirstOrDefault(i => i.Id == "first"),
            "the first message's report", TimeSpan.FromSeconds(15));
        Assert.True(reported.SentTs > 0);
        // The round did fail: the second message's outcome is still not recorded (it waits for its lease).
        Assert.Equal(MessageStatus.Sending, (await tenant.FindMessageAsync(tenantId, "second", Cancellation))!.Status);
        Assert.Equal(2, sink.Store.Count);
    }

    private static async Task<long?> NextSyncAfterAsync(TestProxy proxy, string tenantId, CancellationToken cancellationToken)
    {
        await using var query = proxy.Database.CreateCommand("SELECT next_sync_after FROM tenants WHERE id = $1");
        query.Parameters.Add(new() { Value = tenantId });
        return await query.ExecuteScalarAsync(cancellationToken) is long value ? value : null;
    }
}
