using System.Globalization;
using System.Text.RegularExpressions;
using MailStack.Sink.Hosting;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// What the replica tests share: proxy instances on a database of their own draining one tenant's
/// queue into a sink of the test's own, which counts every delivery. Only an instance a test stops
/// or kills is a process of its own; the others run in the test process (a process start costs
/// ~4 s of CPU that the whole suite shares). Never beside the stack's
/// proxy: an instance on the stack's database would send other tests' mail too, and a killed one
/// would send some of it twice. Each test is a class of its own, so that they run side by side.
/// </summary>
internal sealed class ReplicaDrain(StackFixture stack)
{
    // Every message costs CPU the whole suite shares (~10 ms over proxy, sink and database), so
    // few, claimed in batches of 50 (SmallBatches) so that each instance takes several. A sink
    // delay keeps each drain long enough to act on.
    public const int Count = 200;

    public static readonly IReadOnlyDictionary<string, string> SmallBatches = new Dictionary<string, string>
    {
        ["Proxy:Dispatch:BatchSize"] = "50",
    };

    /// <summary>
    /// For the instance a test stops or kills mid-drain: one batch of all 200, which it holds 5 s
    /// (200 ms a message over 8 connections; a batch of 100 was sent in full once before a loaded test
    /// acted), so it still holds unsent claims when the test acts after its first 20; and every send
    /// counted at once (outcomes are otherwise written 20 a connection at a time,
    /// so its counter would jump only when a connection ran out of messages).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> HeldBatches = new Dictionary<string, string>
    {
        ["Proxy:Dispatch:BatchSize"] = Count.ToString(CultureInfo.InvariantCulture),
        ["Proxy:Dispatch:OutcomeBatchSize"] = "1",
    };

    public ProxyApi Api { get; } = new(stack);

    /// <summary>Every message's subject, in order.</summary>
    public static IEnumerable<string> Subjects => Enumerable.Range(0, Count).Select(Subject).Order(StringComparer.Ordinal);

    /// <summary>A sink of the test's own that keeps every message.</summary>
    public static Task<MailSink> StartSinkAsync() => SinkTestKit.StartSinkAsync(options => options.Store.MaxMessages = 0);

    /// <summary>Makes <paramref name="sink"/> answer every message's end of data after <paramref name="delay"/>.</summary>
    public static void Slow(MailSink sink, TimeSpan delay) =>
        sink.Chaos.Apply(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.DataEnd, Action = ChaosAction.Delay, DelayMilliseconds = (int)delay.TotalMilliseconds }] });

    /// <summary>
    /// A tenant whose account is <paramref name="sink"/> (reporting to echo-tenant1 at <paramref name="syncPath"/>, if given),
    /// suspended, with <see cref="Count"/> messages queued on <paramref name="proxy"/>'s database.
    /// </summary>
    public async Task<(string TenantId, string Key)> QueueSuspendedAsync(TestProxy proxy, MailSink sink, string name, string? syncPath = null)
    {
        var tenantId = NewId(name);
        var reportsTo = syncPath is null ? null : Api.EchoUrl("echo-tenant1");
        using var admin = proxy.Client();
        var key = await Api.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort, reportsTo, syncPath, admin);
        using var tenant = proxy.Client(key);
        await tenant.SuspendAsync(tenantId);
        var added = await tenant.AddMessagesAsync([.. Enumerable.Range(0, Count).Select(i => OutgoingMessage.For(tenantId, $"r{i}", $"user{i}@replicas.test", Subject(i), "x"))]);
        Assert.Equal(Count, added.Queued);
        return (tenantId, key);
    }

    /// <summary>
    /// Queues <see cref="Count"/> messages for a new tenant on <paramref name="sink"/>, slowed so the
    /// drain lasts long enough to interrupt, starts it through <paramref name="instance"/> (started
    /// with <see cref="HeldBatches"/>; another instance on its database joins at its next poll) and
    /// returns once <paramref name="instance"/> has sent 20 of them.
    /// </summary>
    public async Task<(string TenantId, string Key)> DrainingThroughAsync(TestProxy instance, MailSink sink, string name)
    {
        // 200 ms per message over 8 connections: the instance's batch of 200 takes 5 s, and it has
        // sent 20 after half a second.
        Slow(sink, TimeSpan.FromMilliseconds(200));
        var (tenantId, key) = await QueueSuspendedAsync(instance, sink, name);
        using (var viaInstance = instance.Client(key))
        {
            await viaInstance.ActivateAsync(tenantId);
        }

        using var metrics = instance.Client(null);
        await Eventually.GetAsync<object>(async c => await SentByAsync(metrics, tenantId, c) >= 20 ? (object)true : null,
            "the instance to have sent 20 messages", TimeSpan.FromSeconds(60));
        return (tenantId, key);
    }

    /// <summary>The tenant's messages not yet sent or error (one page of up to 1,000), read through <paramref name="proxy"/>.</summary>
    public static async Task<int> CountUnfinishedAsync(TestProxy proxy, string tenantId, string key)
    {
        using var tenant = proxy.Client(key);
        return (await ListMessagesAsync(tenant, tenantId, Cancellation, activeOnly: true)).Count;
    }

    /// <summary>Waits until every message of the tenant is sent or error, read through the first instance of <paramref name="proxy"/>.</summary>
    public async Task WaitUntilDrainedAsync(TestProxy proxy, string tenantId, string key, TimeSpan timeout)
    {
        using var tenant = proxy.Client(key);
        await Api.WaitUntilSettledAsync(tenant, tenantId, timeout, proxy);
    }

    public static List<string> SubjectsAt(MailSink sink) =>
        [.. sink.Store.Snapshot().Select(m => m.Summary.Subject)];

    /// <summary>This instance's <c>mailstack_sent_total</c> for the tenant, from its Prometheus text.</summary>
    public static async Task<int> SentByAsync(HttpClient proxy, string tenantId, CancellationToken cancellationToken)
    {
        var text = await proxy.GetStringAsync("/metrics", cancellationToken);
        var match = Regex.Match(text, $@"^mailstack_sent_total\{{[^}}]*tenant_id=""{Regex.Escape(tenantId)}""[^}}]*\}} (\d+)", RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static string Subject(int i) => $"m{i:D4}";
}
