using static MailStack.Tests.Proxy.ClockedProxy;

namespace MailStack.Tests.Proxy;

/// <summary>
/// Retention through the proxy's real program on a fake clock (<see cref="ClockedProxy"/>):
/// <c>POST /commands/cleanup-messages</c> and the periodic job delete a tenant's finished messages
/// once every event was reported longer ago than the tenant's retention; days pass by moving the clock.
/// </summary>
public sealed class ProxyRetentionTests(StackFixture stack)
{
    private const string Unreachable = "http://127.0.0.1:9";

    // catalog: O17
    [Fact]
    public async Task Cleanup_removes_finished_messages_reported_longer_ago_than_the_retention()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var tenant = ProxyApi.NewId("ret");
        var key = await proxy.CreateTenantAsync(tenant, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }], retentionSeconds: 3600);
        await proxy.AddAsync(tenant, "main", "sent-1", "sent-2");
        var reported = await proxy.WaitUntilReportedAsync(tenant);
        var reportedTs = reported["sent-1"].GetProperty("history")[0].GetProperty("reported_ts").GetInt64();
        Assert.Equal(Start.ToUnixTimeSeconds(), reportedTs);

        using var client = proxy.Client(key);
        // Exactly the retention after the report: not older than it yet.
        proxy.Clock.SetUtcNow(Start.AddSeconds(3600));
        Assert.Equal(0, await CleanupAsync(client, tenant));
        Assert.Equal(2, (await proxy.MessagesAsync(tenant, ProxyApi.Cancellation)).Count);

        proxy.Clock.SetUtcNow(Start.AddSeconds(3601));
        Assert.Equal(2, await CleanupAsync(client, tenant));
        Assert.Empty(await proxy.MessagesAsync(tenant, ProxyApi.Cancellation));
        Assert.Equal(0, await CleanupAsync(client, tenant));
    }

    [Fact]
    public async Task Older_than_seconds_replaces_the_retention_for_one_cleanup()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var tenant = ProxyApi.NewId("ret");
        var key = await proxy.CreateTenantAsync(tenant, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }]);
        await proxy.AddAsync(tenant, "main", "soon");
        await proxy.WaitUntilReportedAsync(tenant);
        proxy.Clock.Advance(TimeSpan.FromSeconds(10));

        using var client = proxy.Client(key);
        Assert.Equal(0, await CleanupAsync(client, tenant, new { older_than_seconds = 10 }));
        Assert.Equal(0, await CleanupAsync(client, tenant)); // the default 7 days
        Assert.Equal(1, await CleanupAsync(client, tenant, new { older_than_seconds = 9 }));
    }

    // catalog: O18
    [Fact]
    public async Task Cleanup_removes_only_that_tenants_messages_and_a_tenant_may_clean_only_its_own()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (mine, other) = (ProxyApi.NewId("ret-a"), ProxyApi.NewId("ret-b"));
        var myKey = await proxy.CreateTenantAsync(mine, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }], retentionSeconds: 60);
        var otherKey = await proxy.CreateTenantAsync(other, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }], retentionSeconds: 60);
        await proxy.AddAsync(mine, "main", "a-1", "a-2");
        await proxy.AddAsync(other, "main", "b-1");
        await proxy.WaitUntilReportedAsync(mine);
        await proxy.WaitUntilReportedAsync(other);
        proxy.Clock.Advance(TimeSpan.FromDays(1));

        using var client = proxy.Client(myKey);
        using var forbidden = await client.PostAsJsonAsync($"/commands/cleanup-messages?tenant_id={other}", new { }, ProxyApi.Cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(2, await CleanupAsync(client, mine));
        Assert.Equal(["b-1"], (await proxy.MessagesAsync(other, ProxyApi.Cancellation)).Keys);

        using var otherClient = proxy.Client(otherKey);
        Assert.Equal(1, await CleanupAsync(otherClient, other));
    }

    // catalog: O19
    [Fact]
    public async Task Unreported_and_unfinished_messages_are_never_removed()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var tenant = ProxyApi.NewId("ret");
        // Reports go nowhere: the sent message's event stays unreported.
        var key = await proxy.CreateTenantAsync(tenant, sink, "/sync", [new { id = "main" }, new { id = "limited", limit_per_day = 1 }], retentionSeconds: 60, clientBaseUrl: Unreachable);
        await proxy.AddAsync(tenant, "main", "unreported");
        await proxy.AddAsync(tenant, "limited", "first", "waiting");
        var settled = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal("deferred", Status(settled["waiting"]));
        proxy.Clock.Advance(TimeSpan.FromHours(12)); // the deferred one is due at midnight, still ahead

        using var client = proxy.Client(key);
        Assert.Equal(0, await CleanupAsync(client, tenant, new { older_than_seconds = 0 }));
        Assert.Equal(["first", "unreported", "waiting"], (await proxy.MessagesAsync(tenant, ProxyApi.Cancellation)).Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Bounces do not exist yet (the bounce issue adds them): the test models one as the bounce
    /// processing will record it — status <c>bounced</c> and an unreported <c>bounced</c> event —
    /// written straight into the proxy's database.
    /// </summary>
    // catalog: O20
    [Fact]
    public async Task A_bounced_message_whose_bounce_is_not_reported_yet_is_kept()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var tenant = ProxyApi.NewId("ret");
        var key = await proxy.CreateTenantAsync(tenant, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }], retentionSeconds: 60);
        await proxy.AddAsync(tenant, "main", "bounced");
        await proxy.WaitUntilReportedAsync(tenant);

        // The tenant's endpoint goes away, then the bounce arrives: it cannot be reported.
        using var admin = proxy.Client();
        using (var moved = await admin.PutAsJsonAsync($"/tenant/{tenant}", new { client_base_url = Unreachable }, ProxyApi.Cancellation))
        {
            moved.EnsureSuccessStatusCode();
        }

        await using (var bounce = proxy.Database.CreateCommand("""
            WITH m AS (UPDATE messages SET status = 'bounced' WHERE tenant_id = $1 AND id = 'bounced' RETURNING pk, tenant_id)
            INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description) SELECT pk, tenant_id, 'bounced', $2, '550 5.1.1 user unknown' FROM m
            """))
        {
            bounce.Parameters.AddWithValue(tenant);
            bounce.Parameters.AddWithValue(proxy.Now);
            Assert.Equal(1, await bounce.ExecuteNonQueryAsync(ProxyApi.Cancellation));
        }

        proxy.Clock.Advance(TimeSpan.FromDays(30));
        using var client = proxy.Client(key);
        Assert.Equal(0, await CleanupAsync(client, tenant, new { older_than_seconds = 0 }));
        Assert.Equal("bounced", Status((await proxy.MessagesAsync(tenant, ProxyApi.Cancellation))["bounced"]));
    }

    // catalog: O21
    [Fact]
    public async Task Each_tenant_keeps_its_messages_for_its_own_retention()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (hour, week, forever) = (ProxyApi.NewId("ret-h"), ProxyApi.NewId("ret-w"), ProxyApi.NewId("ret-f"));
        var keys = new Dictionary<string, string>
        {
            [hour] = await proxy.CreateTenantAsync(hour, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }], retentionSeconds: 3600),
            [week] = await proxy.CreateTenantAsync(week, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }]),
            [forever] = await proxy.CreateTenantAsync(forever, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main" }], retentionSeconds: 0),
        };
        foreach (var tenant in keys.Keys)
        {
            await proxy.AddAsync(tenant, "main", "m");
            await proxy.WaitUntilReportedAsync(tenant);
        }

        async Task<long[]> CleanEachAsync()
        {
            var removed = new List<long>();
            foreach (var (tenant, key) in keys)
            {
                using var client = proxy.Client(key);
                removed.Add(await CleanupAsync(client, tenant));
            }

            return [.. removed];
        }

        proxy.Clock.Advance(TimeSpan.FromSeconds(3601));
        Assert.Equal(new long[] { 1, 0, 0 }, await CleanEachAsync());
        proxy.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(new long[] { 0, 1, 0 }, await CleanEachAsync());
        // A year and more: "forever" for a clock whose every timer fires once per period it passes
        // (service discovery's 10 s clean-up among them: ten years took 31 million calls, 5 s of CPU).
        proxy.Clock.Advance(TimeSpan.FromDays(400));
        Assert.Equal(new long[] { 0, 0, 0 }, await CleanEachAsync());
        Assert.Single(await proxy.MessagesAsync(forever, ProxyApi.Cancellation));
    }

    [Fact]
    public async Task The_periodic_job_removes_by_each_tenants_retention_and_prunes_the_send_log_without_a_command()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack, settings: new Dictionary<string, string> { ["Proxy:Retention:Interval"] = "00:10:00" });
        var (shortLived, unreported) = (ProxyApi.NewId("ret-s"), ProxyApi.NewId("ret-u"));
        await proxy.CreateTenantAsync(shortLived, sink, $"/sync/{Guid.NewGuid():N}", [new { id = "main", limit_per_day = 100 }], retentionSeconds: 300);
        await proxy.AddAsync(shortLived, "main", "old");
        await proxy.WaitUntilReportedAsync(shortLived);
        // Only then the tenant whose endpoint never answers: its report attempts must not hold up the first tenant's.
        await proxy.CreateTenantAsync(unreported, sink, "/sync", [new { id = "main" }], retentionSeconds: 300, clientBaseUrl: Unreachable);
        await proxy.AddAsync(unreported, "main", "kept");
        await proxy.WaitUntilSettledAsync(unreported);
        Assert.Equal(2, await SendLogRowsAsync(proxy));

        // The job's first run, 10 minutes after start, finds the report 10 minutes old: past 300 s.
        await proxy.SetClockAsync(Start.AddMinutes(10));
        await Eventually.GetAsync(async c => (await proxy.MessagesAsync(shortLived, c)).Count == 0 ? "removed" : null, "the job to remove the old message");
        Assert.Equal(["kept"], (await proxy.MessagesAsync(unreported, ProxyApi.Cancellation)).Keys);
        Assert.Equal(2, await SendLogRowsAsync(proxy)); // sends count for a day

        // A day and more later the send log is pruned too. (Each look moves the clock one more
        // interval on, in case the job had not set its next run yet when the day passed.)
        await proxy.SetClockAsync(Start.AddDays(1).AddMinutes(10));
        await Eventually.GetAsync(async c =>
        {
            if (await SendLogRowsAsync(proxy) == 0)
            {
                return "pruned";
            }

            proxy.Clock.Advance(TimeSpan.FromMinutes(10));
            return null;
        }, "the job to prune the send log");
        Assert.Equal(["kept"], (await proxy.MessagesAsync(unreported, ProxyApi.Cancellation)).Keys);
    }

    [Fact]
    public async Task Cleanup_needs_a_tenant_and_a_body_and_names_an_unknown_tenant()
    {
        await using var proxy = await StartAsync(stack);
        using var admin = proxy.Client();
        using var noTenant = await admin.PostAsJsonAsync("/commands/cleanup-messages", new { }, ProxyApi.Cancellation);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noTenant.StatusCode);
        using var badType = await admin.PostAsJsonAsync("/commands/cleanup-messages?tenant_id=x", new { older_than_seconds = "soon" }, ProxyApi.Cancellation);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badType.StatusCode);
        using var unknown = await admin.PostAsJsonAsync("/commands/cleanup-messages?tenant_id=nobody-here", new { }, ProxyApi.Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("tenant 'nobody-here' not found", (await ProxyApi.JsonAsync(unknown)).GetProperty("detail").GetString());
        using var noToken = proxy.Client(null);
        using var unauthorized = await noToken.PostAsJsonAsync("/commands/cleanup-messages?tenant_id=x", new { }, ProxyApi.Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    private static async Task<long> CleanupAsync(HttpClient client, string tenant, object? body = null)
    {
        using var response = await client.PostAsJsonAsync($"/commands/cleanup-messages?tenant_id={tenant}", body ?? new { }, ProxyApi.Cancellation);
        var json = await ProxyApi.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.True(json.GetProperty("ok").GetBoolean());
        return json.GetProperty("removed").GetInt64();
    }

    private static async Task<long> SendLogRowsAsync(TestProxy proxy)
    {
        await using var count = proxy.Database.CreateCommand("SELECT count(*) FROM sends");
        return (long)(await count.ExecuteScalarAsync(ProxyApi.Cancellation))!;
    }
}
