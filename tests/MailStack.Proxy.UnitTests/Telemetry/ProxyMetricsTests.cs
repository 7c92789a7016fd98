using System.Diagnostics.Metrics;
using MailStack.Proxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace MailStack.Proxy.UnitTests.Telemetry;

public sealed class ProxyMetricsTests
{
    private static ProxyMetrics Create(out ServiceProvider services)
    {
        services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new ProxyMetrics(services.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public void Every_family_is_rendered_from_the_start()
    {
        var metrics = Create(out var services);
        using var _ = services;

        var text = metrics.Render(pending: 4);

        foreach (var family in ProxyMetrics.Counters)
        {
            Assert.Contains($"# TYPE {family} counter\n{family} 0\n", text, StringComparison.Ordinal);
        }

        Assert.EndsWith("# TYPE mailstack_pending_messages gauge\nmailstack_pending_messages 4\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Outcomes_are_counted_per_tenant_and_account_in_text_and_as_instruments()
    {
        var metrics = Create(out var services);
        using var _ = services;
        var measured = new List<(string Instrument, long Value, string? Tenant, string? Account)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ProxyTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tenant = null, account = null;
            foreach (var tag in tags)
            {
                tenant = tag.Key == "tenant_id" ? tag.Value as string : tenant;
                account = tag.Key == "account_id" ? tag.Value as string : account;
            }

            lock (measured)
            {
                measured.Add((instrument.Name, value, tenant, account));
            }
        });
        listener.Start();

        metrics.Record(MessageStatus.Sent, "t\"1", "main");
        metrics.Record(MessageStatus.Sent, "t\"1", "main");
        metrics.Record(MessageStatus.Error, "t2", "a");
        metrics.Record(MessageStatus.Deferred, "t2", "a");
        metrics.RateLimited("t2", "a");
        metrics.SetPending(9);
        listener.RecordObservableInstruments();

        var text = metrics.Render(pending: 9);
        Assert.Contains("mailstack_sent_total{tenant_id=\"t\\\"1\",account_id=\"main\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("mailstack_errors_total{tenant_id=\"t2\",account_id=\"a\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mailstack_rate_limited_total{tenant_id=\"t2\",account_id=\"a\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mailstack_bounced_total 0\n", text, StringComparison.Ordinal);
        Assert.Equal(
            [("mailstack.proxy.messages.sent", 1L, "t\"1", "main"), ("mailstack.proxy.messages.sent", 1L, "t\"1", "main"), ("mailstack.proxy.messages.errors", 1L, "t2", "a"),
             ("mailstack.proxy.messages.deferred", 1L, "t2", "a"), ("mailstack.proxy.messages.rate_limited", 1L, "t2", "a"), ("mailstack.proxy.messages.pending", 9L, null, null)],
            measured);
    }
}
