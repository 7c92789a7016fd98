namespace MailStack.Tests.Stack;

public sealed class StackHealthTests(StackFixture stack)
{
    [Fact]
    public async Task Every_resource_is_healthy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var name in StackFixture.ResourceNames)
        {
            // By name, so replicated resources (the proxy runs two) are covered too.
            var state = await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }
}
