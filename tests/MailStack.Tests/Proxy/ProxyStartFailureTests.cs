using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MailStack.Tests.Proxy;

/// <summary>
/// A proxy whose start fails part-way: the failure is what the caller sees, and tearing down what
/// had started (the dispatcher's loop among it) adds no error of its own.
/// </summary>
public sealed class ProxyStartFailureTests(StackFixture stack)
{
    [Fact]
    public async Task A_start_that_fails_after_dispatch_began_ends_with_that_failure_not_one_from_the_teardown()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            // Registered after the proxy's own services, so it starts after the dispatcher's loop began.
            Services = services => services.AddHostedService<FailingToStart>(),
        }));
        Assert.Equal(FailingToStart.Reason, failure.Message);
    }

    private sealed class FailingToStart : IHostedService
    {
        public const string Reason = "a start-up step failed";

        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException(Reason);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
