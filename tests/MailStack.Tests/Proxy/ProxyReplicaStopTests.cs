using System.Globalization;
using System.Text.RegularExpressions;
using static MailStack.Tests.Proxy.ProxyApi;
using static MailStack.Tests.Proxy.ReplicaDrain;

namespace MailStack.Tests.Proxy;

/// <summary>One of two proxy instances draining one queue (<see cref="ReplicaDrain"/>), a process, is stopped: it hands its claims back.</summary>
public sealed class ProxyReplicaStopTests(StackFixture stack)
{
    private readonly ReplicaDrain _drain = new(stack);

    [Fact]
    public async Task Stopping_a_replica_mid_drain_hands_its_claims_back_at_once_and_sends_nothing_twice()
    {
        await using var sink = await StartSinkAsync();
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var survivor = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess, Database = database, Settings = SmallBatches });
        // The default five-minute lease: the queue can only finish in time if the stopping instance hands its claims back.
        await using var stopping = await TestProxy.StartAsync(stack, new TestProxyOptions { Database = database, Settings = HeldBatches });
        var (tenantId, key) = await _drain.DrainingThroughAsync(stopping, sink, "stop");
        var unfinished = await CountUnfinishedAsync(survivor, tenantId, key);
        Assert.True(unfinished > 0, "the queue was already drained when the instance was to stop; the test proves nothing");
        Assert.Equal(0, await stopping.StopAsync());
        var released = Regex.Match(stopping.RecentOutput, @"Released (\d+) claimed message\(s\) unsent");
        Assert.True(released.Success && int.Parse(released.Groups[1].Value, CultureInfo.InvariantCulture) > 0,
            $"the instance handed no claims back when it stopped; the test proves nothing:\n{stopping.RecentOutput}");

        await _drain.WaitUntilDrainedAsync(survivor, tenantId, key, TimeSpan.FromSeconds(120));
        var delivered = SubjectsAt(sink);
        Assert.Equal(Subjects, delivered.Order(StringComparer.Ordinal));
    }
}
