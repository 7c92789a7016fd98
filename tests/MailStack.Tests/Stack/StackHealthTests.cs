using MailStack.Tests.Infrastructure;

namespace MailStack.Tests.Stack;

public sealed class StackHealthTests(StackFixture stack)
{
    [Fact]
    public void Every_resource_is_healthy()
    {
        foreach (var name in StackFixture.ResourceNames)
        {
            Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(name, out var state), $"no state for {name}");
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }
}
