using System.Text.RegularExpressions;
using MailStack.Sink.Hosting;
using static MailStack.Tests.Proxy.ClockedProxy;

namespace MailStack.Tests.Proxy;

/// <summary>
/// Per-account rate limits through the proxy's real program (HTTP → proxy → SMTP into a sink of the
/// test's own, reports to the stack's echo server) on a fake clock (<see cref="ClockedProxy"/>): a
/// window opens when the test moves the clock to its boundary, never by waiting a minute.
/// </summary>
public sealed class ProxyRateLimitTests(StackFixture stack)
{
    private static readonly DateTimeOffset NextMinute = Start.AddSeconds(55);
    private static readonly DateTimeOffset NextHour = new(2026, 11, 26, 11, 0, 0, TimeSpan.Zero);

    // catalog: O12
    [Fact]
    public async Task Over_the_minute_limit_the_excess_is_deferred_to_the_next_minute_and_goes_out_then()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (tenant, syncPath) = (ProxyApi.NewId("rl"), $"/sync/{Guid.NewGuid():N}");
        await proxy.CreateTenantAsync(tenant, sink, syncPath, [new { id = "main", limit_per_minute = 3 }]);

        await proxy.AddAsync(tenant, "main", "m0", "m1", "m2", "m3", "m4");
        var first = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["m0", "m1", "m2"], Subjects(sink));
        foreach (var id in new[] { "m3", "m4" })
        {
            var message = first[id];
            Assert.Equal("deferred", Status(message));
            Assert.Equal(NextMinute.ToUnixTimeSeconds(), message.GetProperty("deferred_ts").GetInt64());
            Assert.Equal(0, message.GetProperty("retry_count").GetInt32()); // a rate limit is not a retry
            var deferred = message.GetProperty("history").EnumerateArray().Last();
            Assert.Equal("deferred", deferred.GetProperty("event_type").GetString());
            Assert.Equal("rate limit: 3 per minute", deferred.GetProperty("description").GetString());
        }

        // Nothing more goes out while the minute lasts, however often dispatch looks.
        await Eventually.NeverAsync(_ => Task.FromResult(sink.Store.Count > 3), TimeSpan.FromSeconds(1.5), "a send over the limit");

        await proxy.SetClockAsync(NextMinute);
        var second = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], Subjects(sink));
        Assert.All(["m3", "m4"], id => Assert.Equal(NextMinute.ToUnixTimeSeconds(), second[id].GetProperty("sent_ts").GetInt64()));

        // The tenant hears of the deferral, with its reason, and then of the send.
        var reports = await ReportsAsync(syncPath, items => items.Count(i => i.TryGetProperty("sent_ts", out _)) == 5);
        Assert.Equal(2, reports.Count(i => i.TryGetProperty("deferred_reason", out var reason) && reason.GetString() == "rate limit: 3 per minute"));
        Assert.Equal(2, await RateLimitedAsync(proxy, tenant, "main"));
    }

    // catalog: O13
    [Fact]
    public async Task Over_the_hour_limit_the_excess_waits_for_the_next_hour_not_the_next_minute()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (tenant, syncPath) = (ProxyApi.NewId("rl"), $"/sync/{Guid.NewGuid():N}");
        await proxy.CreateTenantAsync(tenant, sink, syncPath, [new { id = "main", limit_per_hour = 4 }]);

        await proxy.AddAsync(tenant, "main", "h0", "h1", "h2", "h3", "h4", "h5");
        var settled = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["h0", "h1", "h2", "h3"], Subjects(sink));
        Assert.All(["h4", "h5"], id =>
        {
            Assert.Equal(NextHour.ToUnixTimeSeconds(), settled[id].GetProperty("deferred_ts").GetInt64());
            Assert.Equal("rate limit: 4 per hour", settled[id].GetProperty("history").EnumerateArray().Last().GetProperty("description").GetString());
        });

        await proxy.SetClockAsync(NextMinute.AddMinutes(30));
        await Eventually.NeverAsync(_ => Task.FromResult(sink.Store.Count > 4), TimeSpan.FromSeconds(1.5), "a send within the full hour");

        await proxy.SetClockAsync(NextHour);
        await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["h0", "h1", "h2", "h3", "h4", "h5"], Subjects(sink));
    }

    // catalog: O14
    [Fact]
    public async Task With_limit_behavior_reject_the_excess_ends_in_error_rate_limit_exceeded_and_is_reported()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (tenant, syncPath) = (ProxyApi.NewId("rl"), $"/sync/{Guid.NewGuid():N}");
        await proxy.CreateTenantAsync(tenant, sink, syncPath, [new { id = "main", limit_per_minute = 2, limit_behavior = "reject" }]);

        await proxy.AddAsync(tenant, "main", "r0", "r1", "r2", "r3");
        var settled = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["r0", "r1"], Subjects(sink));
        Assert.All(["r2", "r3"], id =>
        {
            var message = settled[id];
            Assert.Equal("error", Status(message));
            Assert.Equal("rate_limit_exceeded", message.GetProperty("error").GetString());
            Assert.Equal(proxy.Now, message.GetProperty("error_ts").GetInt64());
            Assert.DoesNotContain(message.GetProperty("history").EnumerateArray(), e => e.GetProperty("event_type").GetString() == "deferred");
        });

        var reports = await ReportsAsync(syncPath, items => items.Count == 4);
        Assert.Equal(["r2", "r3"], reports.Where(i => i.TryGetProperty("error", out var error) && error.GetString() == "rate_limit_exceeded")
            .Select(i => i.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(2, await RateLimitedAsync(proxy, tenant, "main"));
    }

    // catalog: O15
    [Fact]
    public async Task The_count_starts_again_in_the_next_window()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (tenant, syncPath) = (ProxyApi.NewId("rl"), $"/sync/{Guid.NewGuid():N}");
        await proxy.CreateTenantAsync(tenant, sink, syncPath, [new { id = "main", limit_per_minute = 2 }]);

        await proxy.AddAsync(tenant, "main", "a0", "a1");
        await proxy.WaitUntilSettledAsync(tenant);
        await proxy.AddAsync(tenant, "main", "a2");
        Assert.Equal("deferred", Status((await proxy.WaitUntilSettledAsync(tenant))["a2"]));

        // The next minute: a2 takes one of its two sends, a3 the other, a4 waits for the minute after.
        await proxy.SetClockAsync(NextMinute);
        await proxy.WaitUntilSettledAsync(tenant);
        await proxy.AddAsync(tenant, "main", "a3");
        await proxy.WaitUntilSettledAsync(tenant);
        await proxy.AddAsync(tenant, "main", "a4");
        var settled = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["a0", "a1", "a2", "a3"], Subjects(sink));
        Assert.Equal(NextMinute.AddMinutes(1).ToUnixTimeSeconds(), settled["a4"].GetProperty("deferred_ts").GetInt64());
    }

    // catalog: O16
    [Fact]
    public async Task Two_accounts_of_one_tenant_have_independent_limits()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (tenant, syncPath) = (ProxyApi.NewId("rl"), $"/sync/{Guid.NewGuid():N}");
        await proxy.CreateTenantAsync(tenant, sink, syncPath, [new { id = "a", limit_per_minute = 2 }, new { id = "b", limit_per_minute = 2 }, new { id = "free" }]);

        await proxy.AddAsync(tenant, "a", "a0", "a1", "a2");
        await proxy.AddAsync(tenant, "b", "b0", "b1", "b2");
        await proxy.AddAsync(tenant, "free", "f0", "f1", "f2", "f3", "f4");
        var settled = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["a0", "a1", "b0", "b1", "f0", "f1", "f2", "f3", "f4"], Subjects(sink));
        Assert.Equal(["a2", "b2"], settled.Values.Where(m => Status(m) == "deferred").Select(m => m.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(1, await RateLimitedAsync(proxy, tenant, "a"));
        Assert.Equal(1, await RateLimitedAsync(proxy, tenant, "b"));
        Assert.Equal(0, await RateLimitedAsync(proxy, tenant, "free"));
    }

    [Fact]
    public async Task A_changed_limit_holds_from_the_next_claim()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        await using var proxy = await StartAsync(stack);
        var (tenant, syncPath) = (ProxyApi.NewId("rl"), $"/sync/{Guid.NewGuid():N}");
        await proxy.CreateTenantAsync(tenant, sink, syncPath, [new { id = "main", limit_per_minute = 2 }]);
        await proxy.AddAsync(tenant, "main", "c0", "c1", "c2");
        await proxy.WaitUntilSettledAsync(tenant);

        // Raised within the minute: two more go at once (c2 still waits for the boundary it was given).
        await proxy.UpsertAccountAsync(tenant, sink, new { id = "main", limit_per_minute = 5 });
        await proxy.AddAsync(tenant, "main", "c3", "c4");
        await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(["c0", "c1", "c3", "c4"], Subjects(sink));

        // Lowered below what the minute already holds: nothing more goes.
        await proxy.UpsertAccountAsync(tenant, sink, new { id = "main", limit_per_minute = 1 });
        await proxy.AddAsync(tenant, "main", "c5");
        var settled = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal("rate limit: 1 per minute", settled["c5"].GetProperty("history").EnumerateArray().Last().GetProperty("description").GetString());
        Assert.Equal(4, sink.Store.Count);
    }

    /// <summary>
    /// Two replicas on one database, each claiming 4 at a time into a sink that takes 50 ms per
    /// message, so both are admitting sends at once: every minute window gets exactly 10 of the 100.
    /// </summary>
    [Fact]
    public async Task Two_replicas_never_send_more_than_the_limit_in_any_minute()
    {
        await using var sink = await SinkTestKit.StartSinkAsync(options => options.Chaos.Rules.Add(
            new ChaosRule { Stage = ChaosStage.DataEnd, Action = ChaosAction.Delay, DelayMilliseconds = 50 }));
        await using var proxy = await StartAsync(stack, replicas: 2, new Dictionary<string, string> { ["Proxy:Dispatch:BatchSize"] = "4" });
        var (tenant, syncPath) = (ProxyApi.NewId("rl"), $"/sync/{Guid.NewGuid():N}");
        await proxy.CreateTenantAsync(tenant, sink, syncPath, [new { id = "main", limit_per_minute = 10 }]);

        await proxy.AddAsync(tenant, "main", [.. Enumerable.Range(0, 100).Select(i => $"x{i:D3}")]);
        var minute = Start;
        for (var window = 1; window <= 10; window++)
        {
            var settled = await proxy.WaitUntilSettledAsync(tenant);
            Assert.Equal(10 * window, sink.Store.Count);
            Assert.Equal(10 * window, settled.Values.Count(m => Status(m) == "sent"));
            minute = new DateTimeOffset(minute.Year, minute.Month, minute.Day, minute.Hour, minute.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            await proxy.SetClockAsync(minute);
        }

        var all = await proxy.WaitUntilSettledAsync(tenant);
        Assert.Equal(100, sink.Store.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"x{i:D3}"), Subjects(sink).Order(StringComparer.Ordinal));
        var perMinute = all.Values.GroupBy(m => m.GetProperty("sent_ts").GetInt64() / 60).Select(g => g.Count()).ToList();
        Assert.Equal(10, perMinute.Count);
        Assert.All(perMinute, count => Assert.Equal(10, count));

        // Both replicas did sends, so the bound held between them, not only within one.
        var (first, second) = (await SentAsync(proxy, tenant, 0), await SentAsync(proxy, tenant, 1));
        Assert.True(first > 0 && second > 0, $"replica 0 sent {first}, replica 1 {second}");
        Assert.Equal(100, first + second);
    }

    private static List<string> Subjects(MailSink sink) => [.. sink.Store.Snapshot().Select(m => m.Summary.Subject!).Order(StringComparer.Ordinal)];

    /// <summary>Every delivery-report item the tenant got at <paramref name="syncPath"/>, once <paramref name="complete"/> holds.</summary>
    private async Task<List<JsonElement>> ReportsAsync(string syncPath, Func<List<JsonElement>, bool> complete)
    {
        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        List<JsonElement> items = [];
        return await Eventually.GetAsync(async cancellation =>
        {
            var requests = await echo.GetFromJsonAsync<JsonElement>($"/requests?path={Uri.EscapeDataString(syncPath)}", cancellation);
            items = [.. requests.GetProperty("requests").EnumerateArray()
                .SelectMany(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.GetProperty("delivery_report").EnumerateArray())
                .Select(i => i.Clone())];
            return complete(items) ? items : null;
        }, $"the reports at {syncPath}", lastSeen: () => string.Join(", ", items));
    }

    private static Task<long> RateLimitedAsync(TestProxy proxy, string tenant, string account) =>
        CounterAsync(proxy, "mailstack_rate_limited_total", tenant, account, 0);

    private static Task<long> SentAsync(TestProxy proxy, string tenant, int replica) =>
        CounterAsync(proxy, "mailstack_sent_total", tenant, "main", replica);

    private static async Task<long> CounterAsync(TestProxy proxy, string name, string tenant, string account, int replica)
    {
        using var http = proxy.Client(null, replica);
        var text = await http.GetStringAsync("/metrics", ProxyApi.Cancellation);
        var match = Regex.Match(text, $"^{name}{{tenant_id=\"{Regex.Escape(tenant)}\",account_id=\"{Regex.Escape(account)}\"}} (\\d+)$", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
