using static MailStack.Tests.Proxy.ProxyApi;
using static MailStack.Tests.Proxy.ReplicaDrain;

namespace MailStack.Tests.Proxy;

/// <summary>One of two proxy instances draining one queue (<see cref="ReplicaDrain"/>), a process, is killed: the other finishes.</summary>
public sealed class ProxyReplicaKillTests(StackFixture stack)
{
    private readonly ReplicaDrain _drain = new(stack);

    [Fact]
    public async Task Killing_a_replica_mid_drain_loses_no_message()
    {
        await using var sink = await StartSinkAsync();
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var survivor = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess, Database = database, Settings = SmallBatches });
        // A short lease for the doomed instance alone: its claims go back to the queue 3 s after it
        // stops renewing them (the survivor keeps the default, so none of its own can lapse meanwhile).
        await using var doomed = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Database = database,
            Settings = new Dictionary<string, string>(HeldBatches) { ["Proxy:Dispatch:ClaimLease"] = "00:00:03" },
        });
        var (tenantId, key) = await _drain.DrainingThroughAsync(doomed, sink, "kill");
        await doomed.KillAsync();
        var unfinished = await CountUnfinishedAsync(survivor, tenantId, key);
        Assert.True(unfinished > 0, "the queue was already drained when the instance was killed; the test proves nothing");

        // The survivor finishes the queue, including what the dead instance had claimed.
        await _drain.WaitUntilDrainedAsync(survivor, tenantId, key, TimeSpan.FromSeconds(120));
        using var tenant = survivor.Client(key);
        Assert.Empty((await tenant.ListMessagesAsync(tenantId, "status=error", Cancellation)).Messages);
        var delivered = SubjectsAt(sink);
        Assert.Equal(Subjects, delivered.Distinct().Order(StringComparer.Ordinal));
        // A message goes out twice only if the instance died between its 250 and recording it (one
        // outcome at a time, HeldBatches): at most one per connection.
        var duplicates = delivered.Count - Count;
        Assert.InRange(duplicates, 0, 8);
        TestContext.Current.SendDiagnosticMessage($"killed with {unfinished} unfinished; {duplicates} sent twice");
    }
}
