using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>Prometheus metrics of the proxy.</summary>
public sealed class ProxyMetricsTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

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
}
