using System.Globalization;
using System.Text.RegularExpressions;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>Prometheus metrics of the proxy.</summary>
public sealed class ProxyMetricsTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    // catalog: O01
    [Fact]
    public async Task Metrics_expose_every_series_family_and_the_pending_gauge()
    {
        using var anonymous = _proxy.Client(null);
        var text = await anonymous.GetStringAsync("/metrics", Cancellation);
        foreach (var family in new[] { "mailstack_sent_total", "mailstack_errors_total", "mailstack_deferred_total", "mailstack_rate_limited_total", "mailstack_bounced_total" })
        {
            Assert.Contains($"# TYPE {family} counter", text, StringComparison.Ordinal);
        }

        Assert.Matches(@"(?m)^mailstack_pending_messages \d+$", text);
    }

    // catalog: O01
    [Fact]
    public async Task Sent_error_and_deferred_counters_move_with_the_outcomes_of_a_tenants_mail()
    {
        // A proxy of its own: its counters move with this test's sends and no other test's.
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess });
        using var admin = proxy.Client();
        await using var sink = await SinkTestKit.StartSinkAsync();
        // 550 for "@reject." addresses, 451 for "@tempfail.", the rest accepted.
        sink.Chaos.Apply(new ChaosSettings { Preset = "address_rules" });
        var tenantId = NewId("metrics");
        await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort, admin: admin);
        var before = await CountersAsync(admin, tenantId);
        Assert.All(before, counter => Assert.Equal(0, counter.Value));

        await admin.AddMessagesAsync(
            OutgoingMessage.For(tenantId, "fine", "someone@fine.test"),
            OutgoingMessage.For(tenantId, "refused", "someone@reject.test"),
            OutgoingMessage.For(tenantId, "busy", "someone@tempfail.test"));
        await WaitForStatusAsync(admin, tenantId, "busy", s => s == MessageStatus.Deferred);
        var moving = await Eventually.GetAsync(async _ => await CountersAsync(admin, tenantId) is var now && now["mailstack_sent_total"] == 1 && now["mailstack_errors_total"] == 1 && now["mailstack_deferred_total"] >= 1 ? now : null,
            "one sent, one error and a deferral counted");

        // The 451s go on until the retries run out: each is counted, and the last turns into an error.
        var busy = await WaitForStatusAsync(admin, tenantId, "busy", s => s == MessageStatus.Error);
        // An outcome is counted just after it is written, so the error can be listed a moment before it is counted.
        var after = await Eventually.GetAsync(async _ => await CountersAsync(admin, tenantId) is var now && now["mailstack_errors_total"] >= 2 ? now : null,
            "the second error counted");
        Assert.Equal(1, after["mailstack_sent_total"]);
        Assert.Equal(2, after["mailstack_errors_total"]);
        Assert.InRange(after["mailstack_deferred_total"], moving["mailstack_deferred_total"], busy.RetryCount);
        Assert.True(after["mailstack_deferred_total"] >= busy.RetryCount - 1, $"{after["mailstack_deferred_total"]} deferrals counted for {busy.RetryCount} retries");
        // No rate limits and no bounces exist yet: those families are there, at zero.
        Assert.Equal(0, after["mailstack_rate_limited_total"]);
        Assert.Equal(0, after["mailstack_bounced_total"]);
    }

    /// <summary>
    /// Each counter family's value for <paramref name="tenantId"/>'s account "main" (0 when it has no
    /// series yet); fails if a family has no sample at all.
    /// </summary>
    private static async Task<Dictionary<string, long>> CountersAsync(HttpClient proxy, string tenantId)
    {
        var text = await proxy.GetStringAsync("/metrics", Cancellation);
        var counters = new Dictionary<string, long>();
        foreach (var family in new[] { "mailstack_sent_total", "mailstack_errors_total", "mailstack_deferred_total", "mailstack_rate_limited_total", "mailstack_bounced_total" })
        {
            Assert.Matches($@"(?m)^{family}(\{{[^}}]*\}})? \d+$", text);
            var series = Regex.Match(text, $@"(?m)^{family}\{{tenant_id=""{Regex.Escape(tenantId)}"",account_id=""main""\}} (\d+)$");
            counters[family] = series.Success ? long.Parse(series.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }

        return counters;
    }
}
