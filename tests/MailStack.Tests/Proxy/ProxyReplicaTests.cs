using static MailStack.Tests.Proxy.ProxyApi;
using static MailStack.Tests.Proxy.ReplicaDrain;

namespace MailStack.Tests.Proxy;

/// <summary>Two proxy instances drain one queue (<see cref="ReplicaDrain"/>): each one's share is counted.</summary>
public sealed class ProxyReplicaTests(StackFixture stack)
{
    private readonly ReplicaDrain _drain = new(stack);

    [Fact]
    public async Task Two_replicas_drain_a_queue_delivering_every_message_exactly_once()
    {
        await using var sink = await StartSinkAsync();
        Slow(sink, TimeSpan.FromMilliseconds(20));
        await using var replicas = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess, Replicas = 2, Settings = SmallBatches });
        var syncPath = $"/sync/replicas-{Guid.NewGuid():N}";
        var (tenantId, key) = await _drain.QueueSuspendedAsync(replicas, sink, "replicas", syncPath);

        // Activating through the second instance wakes it at once, and run-now wakes the first: each
        // claims a batch at once. At 20 ms per message over 8 connections, the four batches take one
        // instance half a second or more, so neither can take the other's share before the other starts.
        using (var viaSecond = replicas.Client(key, replica: 1))
        {
            await viaSecond.ActivateAsync(tenantId);
        }

        using (var viaFirst = replicas.Client(key, replica: 0))
        {
            await viaFirst.RunNowAsync(tenantId);
        }

        await _drain.WaitUntilDrainedAsync(replicas, tenantId, key, TimeSpan.FromSeconds(90));
        var delivered = SubjectsAt(sink);
        Assert.Equal(Count, delivered.Count);
        Assert.Equal(Subjects, delivered.Order(StringComparer.Ordinal));

        // Both replicas did a share, and their counts add up to one send per message.
        using var first = replicas.Client(null, replica: 0);
        using var second = replicas.Client(null, replica: 1);
        var (byFirst, bySecond) = (await SentByAsync(first, tenantId, Cancellation), await SentByAsync(second, tenantId, Cancellation));
        Assert.True(byFirst > 0 && bySecond > 0, $"first instance sent {byFirst}, second instance {bySecond}");
        Assert.Equal(Count, byFirst + bySecond);

        // Reported once each as well: one replica at a time reports to a tenant.
        using var echo = _drain.Api.Echo("echo-tenant1");
        var reported = new List<string>();
        await Eventually.GetAsync(async c =>
        {
            reported = [.. (await echo.ReportsAsync(syncPath, c)).SelectMany(report => report).Select(item => item.Id)];
            return reported.Distinct().Count() == Count ? reported : null;
        }, "every message's report", TimeSpan.FromSeconds(60), () => $"{reported.Distinct().Count()} distinct of {Count}");
        Assert.Equal(Count, reported.Count);
    }
}
