using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>Delivery reports against a tenant endpoint that fails, then recovers; heartbeats.</summary>
public sealed class ProxyReportingTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);


    /// <summary>Every request the echo server got on <paramref name="path"/>, as delivery_report arrays.</summary>
    private async Task<List<JsonElement>> ReportsAtAsync(string path)
    {
        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        var recorded = await echo.GetFromJsonAsync<JsonElement>($"/requests?path={Uri.EscapeDataString(path)}", Cancellation);
        return recorded.GetProperty("requests").EnumerateArray()
            .Select(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.GetProperty("delivery_report").Clone()).ToList();
    }

    [Fact]
    public async Task A_failing_endpoint_gets_the_same_events_again_until_it_acknowledges()
    {
        var tenantId = NewId("flaky");
        var path = $"/sync/{tenantId}";
        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        using (var fail = await echo.PutAsJsonAsync("/replies", new { Path = path, Status = 503 }, Cancellation))
        {
            Assert.True(fail.IsSuccessStatusCode);
        }

        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, syncPath: path));
        using var sink = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        await tenant.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { new { id = "r1", tenant_id = tenantId, account_id = "main", from = "a@example.test", to = sink.NewAddress("report"), subject = "report me" } },
        }, Cancellation);
        await WaitForStatusAsync(tenant, tenantId, "r1", s => s == "sent");

        // Refused at least once: the event stays unreported.
        await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Any(r => r.EnumerateArray().Any(i => i.GetProperty("id").GetString() == "r1")) ? "" : null, "a refused report");
        var history = await WaitForStatusAsync(tenant, tenantId, "r1", _ => true);
        Assert.False(history.GetProperty("history")[0].TryGetProperty("reported_ts", out _));

        using (var recover = await echo.PutAsJsonAsync("/replies", new { Path = path, Status = 200, Body = new { ok = true } }, Cancellation))
        {
            Assert.True(recover.IsSuccessStatusCode);
        }

        await WaitForStatusAsync(tenant, tenantId, "r1", _ => true, reported: true);
        var attempts = (await ReportsAtAsync(path)).Count(r => r.EnumerateArray().Any(i => i.GetProperty("id").GetString() == "r1"));
        Assert.True(attempts >= 2, $"the event was posted {attempts} time(s)");
    }

    [Fact]
    public async Task An_active_tenant_with_nothing_to_report_gets_a_heartbeat()
    {
        var tenantId = NewId("heartbeat");
        var path = $"/sync/{tenantId}";
        await _proxy.CreateTenantAsync(tenantId, syncPath: path);

        var heartbeat = await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Select(r => r.GetRawText()).FirstOrDefault(), "a heartbeat");
        Assert.Equal("[]", heartbeat);
    }

    [Theory]
    [InlineData("bearer", "Bearer tok-123")]
    [InlineData("basic", "Basic YXBwOnB3IDpz")] // app:pw :s
    public async Task Reports_carry_the_tenants_client_auth(string method, string expected)
    {
        var tenantId = NewId("clientauth");
        var path = $"/sync/{tenantId}";
        using var admin = await _proxy.AdminAsync();
        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        using var created = await admin.PostAsJsonAsync("/tenant", new
        {
            id = tenantId,
            client_base_url = echo.BaseAddress!.ToString().TrimEnd('/'),
            client_sync_path = path,
            client_auth = new { method, token = "tok-123", user = "app", password = "pw :s" },
        }, Cancellation);
        Assert.True(created.IsSuccessStatusCode);

        // The new tenant's first heartbeat.
        var request = await Eventually.GetAsync(async c =>
        {
            var recorded = await echo.GetFromJsonAsync<JsonElement>($"/requests?path={Uri.EscapeDataString(path)}", c);
            return recorded.GetProperty("requests").EnumerateArray().Select(r => (JsonElement?)r.Clone()).FirstOrDefault() is { } first ? (object)first : null;
        }, "a report at the tenant's endpoint");
        Assert.Equal(expected, ((JsonElement)request).GetProperty("headers").GetProperty("Authorization").GetString());
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
        Assert.All(syncs, report => Assert.Equal("[]", report.GetRawText()));
    }

    [Fact]
    public async Task Next_sync_after_holds_heartbeats_but_not_events_and_run_now_lifts_it()
    {
        // A replica with a one-second sync interval, so heartbeats (and their absence) show quickly.
        await using var fast = await ProxyInstance.StartAsync(stack, new Dictionary<string, string> { ["SyncInterval"] = "00:00:01" }, Cancellation);
        var tenantId = NewId("dnd");
        var path = $"/sync/{tenantId}";
        await SetReplyAsync(path, new { ok = true });
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, syncPath: path));
        await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Count >= 3 ? "" : null, "heartbeats every second", TimeSpan.FromSeconds(20));

        var until = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        await SetReplyAsync(path, new { ok = true, next_sync_after = until });
        await Eventually.GetAsync(async c => await NextSyncAfterAsync(tenantId, c) == until ? "" : null, "the tenant's do-not-disturb to be stored");
        var quietFrom = (await ReportsAtAsync(path)).Count;
        await Eventually.NeverAsync(async _ => (await ReportsAtAsync(path)).Count > quietFrom, TimeSpan.FromSeconds(3), "a heartbeat during do-not-disturb");

        // An event is reported anyway.
        using var sink = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        await tenant.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { new { id = "e1", tenant_id = tenantId, account_id = "main", from = "a@example.test", to = sink.NewAddress("dnd"), subject = "event during dnd" } },
        }, Cancellation);
        await WaitForStatusAsync(tenant, tenantId, "e1", s => s == "sent", reported: true);
        Assert.Contains(await ReportsAtAsync(path), r => r.EnumerateArray().Any(i => i.GetProperty("id").GetString() == "e1"));

        // run-now with the tenant's token lifts it: heartbeats come back.
        await SetReplyAsync(path, new { ok = true });
        var before = (await ReportsAtAsync(path)).Count;
        using (var runNow = await tenant.PostAsync($"/commands/run-now?tenant_id={tenantId}", null, Cancellation))
        {
            Assert.True(runNow.IsSuccessStatusCode);
        }

        await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Skip(before).Count(r => r.GetArrayLength() == 0) >= 2 ? "" : null,
            "heartbeats again after run-now", TimeSpan.FromSeconds(20));
        Assert.Null(await NextSyncAfterAsync(tenantId, Cancellation));
    }

    private async Task SetReplyAsync(string path, object body, int? times = null)
    {
        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        using var set = await echo.PutAsJsonAsync("/replies", new { Path = path, Status = 200, Body = body, Times = times }, Cancellation);
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(Cancellation));
    }

    private async Task<long?> NextSyncAfterAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = new Npgsql.NpgsqlConnection(await stack.App.GetConnectionStringAsync("maildb", cancellationToken));
        await db.OpenAsync(cancellationToken);
        await using var query = new Npgsql.NpgsqlCommand("SELECT next_sync_after FROM tenants WHERE id = $1", db) { Parameters = { new() { Value = tenantId } } };
        return await query.ExecuteScalarAsync(cancellationToken) is long value ? value : null;
    }
}
