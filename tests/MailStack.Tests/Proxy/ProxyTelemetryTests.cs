using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The proxy's telemetry as the dashboard receives it, caught by in-memory exporters on an
/// in-process proxy with a database of its own: idling makes no traces, work does, and the
/// outcome counters are OpenTelemetry instruments.
/// </summary>
public sealed class ProxyTelemetryTests(StackFixture stack)
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task An_idle_proxy_makes_no_traces_and_a_round_that_sends_and_reports_is_traced()
    {
        var spans = new RecordedItems<Activity>();
        var metrics = new RecordedItems<MetricSnapshot>();
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:PollInterval"] = "00:00:00.1", ["Proxy:Dispatch:SyncInterval"] = "01:00:00" },
            Services = services => services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics)),
        });
        List<Activity> OnOurDatabase() => [.. spans.Snapshot().Where(span => span.Source.Name == "Npgsql" && DatabaseOf(span) == proxy.DatabaseName)];

        // Idle: some thirty empty polls of dispatch and reporting, not one database span.
        var before = OnOurDatabase().Count;
        await Eventually.NeverAsync(_ => Task.FromResult(OnOurDatabase().Count > before), IdleWindow, "a database span while idle");

        // Work: one message, sent and reported.
        var tenantId = NewId("traced");
        using var admin = proxy.Client();
        await new ProxyApi(stack).CreateTenantAsync(tenantId, admin: admin);
        using var sink = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        var to = sink.NewAddress("traced");
        (await admin.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { new { id = "t1", tenant_id = tenantId, account_id = "main", from = "app@example.test", to, subject = "traced" } },
        }, Cancellation)).EnsureSuccessStatusCode();
        await WaitForStatusAsync(admin, tenantId, "t1", s => s == MessageStatus.Sent, reported: true);

        // Other in-process proxies may run beside this one: a round is ours when it wrote to our database.
        Activity? Round(string name, string statement) => spans.Snapshot().FirstOrDefault(s => s.DisplayName == name
            && OnOurDatabase().Any(d => d.TraceId == s.TraceId && StatementOf(d)?.Contains(statement, StringComparison.Ordinal) == true));
        var dispatch = await Eventually.GetAsync(_ => Task.FromResult(Round("dispatch round", "INSERT INTO message_events")), "the dispatch round's trace, with the outcome written inside it");
        Assert.Equal(default, dispatch.ParentSpanId);
        Assert.Contains(spans.Snapshot(), s => s.DisplayName == "claim messages" && s.ParentSpanId == dispatch.SpanId);
        // A round's span ends after everything inside it: once this one is exported, the reporting is over.
        await Eventually.GetAsync(_ => Task.FromResult(Round("report round", "SET reported_ts")), "the report round's trace, with the events marked reported inside it");
        // Every database span belongs to a request or a round: none stands alone as its own trace.
        Assert.All(OnOurDatabase(), span => Assert.NotEqual(default, span.ParentSpanId));

        // Idle again once the report is acknowledged.
        var afterWork = OnOurDatabase().Count;
        await Eventually.NeverAsync(_ => Task.FromResult(OnOurDatabase().Count > afterWork), IdleWindow, "a database span after the work was done");

        // The outcome counter and the pending gauge, as instruments of the meter MailStack.Proxy.
        var meterProvider = proxy.Services.GetRequiredService<MeterProvider>();
        var sent = await Eventually.GetAsync(_ =>
        {
            meterProvider.ForceFlush();
            return Task.FromResult<object?>(metrics.Snapshot().Where(m => m.Name == "mailstack.proxy.messages.sent")
                .SelectMany(m => m.MetricPoints).Where(p => Tag(p, "tenant_id") == tenantId && Tag(p, "account_id") == "main")
                .Select(p => (object?)p.GetSumLong()).LastOrDefault());
        }, "the sent counter of the tenant");
        Assert.Equal(1L, sent);
        Assert.Contains(metrics.Snapshot(), m => m.Name == "mailstack.proxy.messages.pending" && m.MeterName == "MailStack.Proxy");
    }

    [Fact]
    public async Task Starting_makes_no_trace_even_when_every_connection_is_a_new_one()
    {
        // Without pooling, every open is a CONNECT span: any start-up work outside a request or a
        // round (the start-up probe's connection, say) would show as a trace of its own.
        var spans = new RecordedItems<Activity>();
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Database = database,
            Settings = new Dictionary<string, string> { ["ConnectionStrings:maildb"] = $"{database.ConnectionString};Pooling=false" },
            Services = services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)),
        });

        await Eventually.NeverAsync(_ => Task.FromResult(spans.Snapshot().Any(span => span.Source.Name == "Npgsql" && DatabaseOf(span) == proxy.DatabaseName)),
            IdleWindow, "a database span of a proxy that was only started");
    }

    private static string? DatabaseOf(Activity span) => (span.GetTagItem("db.namespace") ?? span.GetTagItem("db.name")) as string;

    private static string? StatementOf(Activity span) => (span.GetTagItem("db.query.text") ?? span.GetTagItem("db.statement")) as string;

    private static string? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    /// <summary>What an exporter hands over, from any thread; read as snapshots.</summary>
    private sealed class RecordedItems<T> : Collection<T>
    {
        private readonly Lock _lock = new();

        public List<T> Snapshot()
        {
            lock (_lock)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, T item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }

        protected override void ClearItems()
        {
            lock (_lock)
            {
                base.ClearItems();
            }
        }
    }
}
