using System.Globalization;
using System.Text.RegularExpressions;
using MailStack.Sink.Hosting;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// Two proxy processes on a database of their own draining one tenant's queue into a sink of the
/// test's own, which counts every delivery: each one's share is counted, or the test stops or kills
/// one and the other finishes. Never beside the stack's proxy: an instance on the stack's database
/// would send other tests' mail too, and a killed one would send some of it twice.
/// </summary>
public sealed partial class ProxyReplicaTests(StackFixture stack)
{
    // Every message costs CPU the whole suite shares (~10 ms over proxy, sink and database), so
    // few, claimed in batches of 50 (SmallBatches) so that each instance takes several. A sink
    // delay keeps each drain long enough to act on.
    private const int Count = 200;

    private static readonly IReadOnlyDictionary<string, string> SmallBatches = new Dictionary<string, string>
    {
        ["Proxy:Dispatch:BatchSize"] = "50",
    };

    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task Two_replicas_drain_a_queue_delivering_every_message_exactly_once()
    {
        await using var sink = await SinkTestKit.StartSinkAsync(Roomy);
        Slow(sink, TimeSpan.FromMilliseconds(20));
        await using var replicas = await TestProxy.StartAsync(stack, new TestProxyOptions { Replicas = 2, Settings = SmallBatches });
        var syncPath = $"/sync/replicas-{Guid.NewGuid():N}";
        var (tenantId, key) = await QueueSuspendedAsync(replicas, sink, "replicas", syncPath);

        // Activating through the second instance wakes it at once, and run-now wakes the first: each
        // claims a batch at once. At 20 ms per message over 8 connections, the four batches take one
        // instance half a second or more, so neither can take the other's share before the other starts.
        using (var viaSecond = replicas.Client(key, replica: 1))
        {
            await ActivateAsync(viaSecond, tenantId);
        }

        using (var viaFirst = replicas.Client(key, replica: 0))
        {
            await viaFirst.RunNowAsync(tenantId);
        }

        await WaitUntilDrainedAsync(replicas, tenantId, key, TimeSpan.FromSeconds(90));
        var delivered = SubjectsAt(sink);
        Assert.Equal(Count, delivered.Count);
        Assert.Equal(Enumerable.Range(0, Count).Select(Subject).Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));

        // Both replicas did a share, and their counts add up to one send per message.
        using var first = replicas.Client(null, replica: 0);
        using var second = replicas.Client(null, replica: 1);
        var (byFirst, bySecond) = (await SentByAsync(first, tenantId, Cancellation), await SentByAsync(second, tenantId, Cancellation));
        Assert.True(byFirst > 0 && bySecond > 0, $"first instance sent {byFirst}, second instance {bySecond}");
        Assert.Equal(Count, byFirst + bySecond);

        // Reported once each as well: one replica at a time reports to a tenant.
        using var echo = _proxy.Echo("echo-tenant1");
        var reported = new List<string>();
        await Eventually.GetAsync(async c =>
        {
            reported = [.. (await echo.ReportsAsync(syncPath, c)).SelectMany(report => report).Select(item => item.Id)];
            return reported.Distinct().Count() == Count ? reported : null;
        }, "every message's report", TimeSpan.FromSeconds(60), () => $"{reported.Distinct().Count()} distinct of {Count}");
        Assert.Equal(Count, reported.Count);
    }

    [Fact]
    public async Task Killing_a_replica_mid_drain_loses_no_message()
    {
        await using var sink = await SinkTestKit.StartSinkAsync(Roomy);
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var survivor = await TestProxy.StartAsync(stack, new TestProxyOptions { Database = database, Settings = SmallBatches });
        // A short lease for the doomed instance alone: its claims go back to the queue 3 s after it
        // stops renewing them (the survivor keeps the default, so none of its own can lapse meanwhile).
        await using var doomed = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Database = database,
            Settings = new Dictionary<string, string>(SmallBatches) { ["Proxy:Dispatch:ClaimLease"] = "00:00:03" },
        });
        var (tenantId, key) = await DrainingThroughAsync(doomed, sink, "kill");
        await doomed.KillAsync();
        var unfinished = await CountUnfinishedAsync(survivor, tenantId, key);
        Assert.True(unfinished > 0, "the queue was already drained when the instance was killed; the test proves nothing");

        // The survivor finishes the queue, including what the dead instance had claimed.
        await WaitUntilDrainedAsync(survivor, tenantId, key, TimeSpan.FromSeconds(120));
        using var tenant = survivor.Client(key);
        Assert.Empty((await tenant.ListMessagesAsync(tenantId, "status=error", Cancellation)).Messages);
        var delivered = SubjectsAt(sink);
        Assert.Equal(Enumerable.Range(0, Count).Select(Subject).Order(StringComparer.Ordinal), delivered.Distinct().Order(StringComparer.Ordinal));
        // A message goes out twice only if the instance died between its 250 and recording it: at
        // most one unrecorded outcome batch per connection.
        var duplicates = delivered.Count - Count;
        Assert.InRange(duplicates, 0, 8 * 20);
        TestContext.Current.SendDiagnosticMessage($"killed with {unfinished} unfinished; {duplicates} sent twice");
    }

    [Fact]
    public async Task Stopping_a_replica_mid_drain_hands_its_claims_back_at_once_and_sends_nothing_twice()
    {
        await using var sink = await SinkTestKit.StartSinkAsync(Roomy);
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var survivor = await TestProxy.StartAsync(stack, new TestProxyOptions { Database = database, Settings = SmallBatches });
        // The default five-minute lease: the queue can only finish in time if the stopping instance hands its claims back.
        await using var stopping = await TestProxy.StartAsync(stack, new TestProxyOptions { Database = database, Settings = SmallBatches });
        var (tenantId, key) = await DrainingThroughAsync(stopping, sink, "stop");
        var unfinished = await CountUnfinishedAsync(survivor, tenantId, key);
        Assert.True(unfinished > 0, "the queue was already drained when the instance was to stop; the test proves nothing");
        Assert.Equal(0, await stopping.StopAsync());

        await WaitUntilDrainedAsync(survivor, tenantId, key, TimeSpan.FromSeconds(120));
        var delivered = SubjectsAt(sink);
        Assert.Equal(Enumerable.Range(0, Count).Select(Subject).Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Queues <see cref="Count"/> messages for a new tenant on <paramref name="sink"/>, slowed so the
    /// drain lasts long enough to interrupt, starts it through <paramref name="instance"/> (another
    /// instance on its database joins at its next poll) and returns once <paramref name="instance"/>
    /// has sent 20 of them.
    /// </summary>
    private async Task<(string TenantId, string Key)> DrainingThroughAsync(TestProxy instance, MailSink sink, string name)
    {
        // 200 ms per message over 8 connections an instance: two drain it in 2.5 s or more, so the
        // queue is far from drained when the test acts after the instance's first 20.
        Slow(sink, TimeSpan.FromMilliseconds(200));
        var (tenantId, key) = await QueueSuspendedAsync(instance, sink, name);
        using (var viaInstance = instance.Client(key))
        {
            await ActivateAsync(viaInstance, tenantId);
        }

        using var metrics = instance.Client(null);
        await Eventually.GetAsync<object>(async c => await SentByAsync(metrics, tenantId, c) >= 20 ? (object)true : null,
            "the instance to have sent 20 messages", TimeSpan.FromSeconds(60));
        return (tenantId, key);
    }

    private static void Roomy(MailSinkOptions options) => options.Store.MaxMessages = 0;

    /// <summary>Makes <paramref name="sink"/> answer every message's end of data after <paramref name="delay"/>.</summary>
    private static void Slow(MailSink sink, TimeSpan delay) =>
        sink.Chaos.Apply(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.DataEnd, Action = ChaosAction.Delay, DelayMilliseconds = (int)delay.TotalMilliseconds }] });

    private static string Subject(int i) => $"m{i:D4}";

    /// <summary>
    /// A tenant whose account is <paramref name="sink"/> (reporting to echo-tenant1 at <paramref name="syncPath"/>, if given),
    /// suspended, with <see cref="Count"/> messages queued on <paramref name="proxy"/>'s database.
    /// </summary>
    private async Task<(string TenantId, string Key)> QueueSuspendedAsync(TestProxy proxy, MailSink sink, string name, string? syncPath = null)
    {
        var tenantId = NewId(name);
        var reportsTo = syncPath is null ? null : _proxy.EchoUrl("echo-tenant1");
        using var admin = proxy.Client();
        var key = await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort, reportsTo, syncPath, admin);
        using var tenant = proxy.Client(key);
        await tenant.SuspendAsync(tenantId);
        foreach (var chunk in Enumerable.Range(0, Count).Chunk(1000))
        {
            var added = await tenant.AddMessagesAsync([.. chunk.Select(i => OutgoingMessage.For(tenantId, $"r{i}", $"user{i}@replicas.test", Subject(i), "x"))]);
            Assert.Equal(chunk.Length, added.Queued);
        }

        return (tenantId, key);
    }

    private static Task ActivateAsync(HttpClient tenant, string tenantId) => tenant.ActivateAsync(tenantId);

    /// <summary>The tenant's messages not yet sent or error (one page of up to 1,000), read through <paramref name="proxy"/>.</summary>
    private static async Task<int> CountUnfinishedAsync(TestProxy proxy, string tenantId, string key)
    {
        using var tenant = proxy.Client(key);
        return (await ListMessagesAsync(tenant, tenantId, Cancellation, activeOnly: true)).Count;
    }

    /// <summary>Waits until every message of the tenant is sent or error, read through the first instance of <paramref name="proxy"/>.</summary>
    private async Task WaitUntilDrainedAsync(TestProxy proxy, string tenantId, string key, TimeSpan timeout)
    {
        using var tenant = proxy.Client(key);
        await _proxy.WaitUntilSettledAsync(tenant, tenantId, timeout, proxy);
    }

    private static List<string> SubjectsAt(MailSink sink) =>
        [.. sink.Store.Snapshot().Select(m => m.Summary.Subject)];

    /// <summary>This instance's <c>mailstack_sent_total</c> for the tenant, from its Prometheus text.</summary>
    private static async Task<int> SentByAsync(HttpClient proxy, string tenantId, CancellationToken cancellationToken)
    {
        var text = await proxy.GetStringAsync("/metrics", cancellationToken);
        var match = Regex.Match(text, $@"^mailstack_sent_total\{{[^}}]*tenant_id=""{Regex.Escape(tenantId)}""[^}}]*\}} (\d+)", RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
