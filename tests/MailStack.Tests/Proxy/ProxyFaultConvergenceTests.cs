using MailStack.Sink.Hosting;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// Delivery against servers that misbehave: each test has a sink of its own (real SMTP over TCP)
/// whose fault injection it sets freely, while the stack's proxy does the sending.
/// </summary>
public sealed class ProxyFaultConvergenceTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task Under_random_faults_every_message_ends_sent_or_error_and_none_is_lost()
    {
        const int count = 200;
        await using var sink = await SinkTestKit.StartSinkAsync();
        // Per message: 60% ok, 20% 451 at end of data, 10% 550, 10% two seconds slow.
        sink.Chaos.Apply(new ChaosSettings { Preset = "random", Seed = 7 });
        var (tenantId, tenant) = await TenantOnAsync(sink, "random");

        await EnqueueAsync(tenant, tenantId, count);
        await _proxy.WaitUntilSettledAsync(tenant, tenantId, TimeSpan.FromSeconds(120));
        var messages = await ListMessagesAsync(tenant, tenantId, Cancellation);

        var sent = messages.Where(m => m.Status == MessageStatus.Sent).Select(m => m.Message!.Subject!).ToHashSet();
        var failed = messages.Where(m => m.Status == MessageStatus.Error).ToList();
        Assert.Equal(count, sent.Count + failed.Count);
        Assert.NotEmpty(failed);
        Assert.All(failed, m => Assert.Matches(@"\(SMTP 550\)$|^Max retries \(5\) exceeded", m.Error));
        // Deferred first, then sent: the retries did their job.
        Assert.Contains(messages, m => m.Status == MessageStatus.Sent && m.RetryCount > 0);

        // What is "sent" is at the sink exactly once; what is "error" never arrived.
        var delivered = sink.Store.Snapshot().Select(m => m.Summary.Subject).ToList();
        Assert.Equal(sent.Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_server_answering_452_past_its_rate_defers_the_excess_which_goes_out_once_it_relents()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        // Three messages are accepted, then every MAIL FROM hears 452 4.5.3 rate limit exceeded.
        sink.Chaos.Apply(new ChaosSettings { Preset = "rate_limit", RateLimit = 3 });
        var (tenantId, tenant) = await TenantOnAsync(sink, "ratelimit");

        await EnqueueAsync(tenant, tenantId, 6);
        var settled = await Eventually.GetAsync(async c =>
        {
            var list = await ListMessagesAsync(tenant, tenantId, c);
            return list.Count(m => m.Status == MessageStatus.Sent) == 3 && list.Count(m => m.Status == MessageStatus.Deferred) == 3 ? list : null;
        }, "three sent and three deferred");

        Assert.All(settled.Where(m => m.Status == MessageStatus.Deferred), m =>
        {
            Assert.True(m.RetryCount >= 1);
            Assert.Contains("(SMTP 452)", m.Error, StringComparison.Ordinal);
        });
        Assert.Equal(3, sink.Store.Snapshot().Count);

        sink.Chaos.Apply(new ChaosSettings());
        await _proxy.WaitUntilSettledAsync(tenant, tenantId, TimeSpan.FromSeconds(30));
        var final = await ListMessagesAsync(tenant, tenantId, Cancellation);
        Assert.All(final, m => Assert.Equal(MessageStatus.Sent, m.Status));
        Assert.Equal(6, sink.Store.Snapshot().Select(m => m.Summary.Subject).Distinct().Count());
        Assert.Equal(6, sink.Store.Snapshot().Count);
    }

    private async Task<(string TenantId, HttpClient Tenant)> TenantOnAsync(MailSink sink, string name)
    {
        var tenantId = NewId(name);
        return (tenantId, _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort)));
    }

    private static async Task EnqueueAsync(HttpClient tenant, string tenantId, int count)
    {
        var added = await tenant.AddMessagesAsync([.. Enumerable.Range(0, count).Select(i => OutgoingMessage.For(tenantId, $"f{i}", $"user{i}@faults.test", $"f{i:D4}", "x"))]);
        Assert.Equal(count, added.Queued);
    }
}
