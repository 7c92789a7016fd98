using MailStack.Proxy.Dispatch;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.UnitTests.Dispatch;

public sealed class DispatchListenerTests
{
    private static readonly TimeSpan Forever = Timeout.InfiniteTimeSpan;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly DispatchSignal _signal = new(Options.Create(new DispatchOptions()), TimeProvider.System);

    [Fact]
    public void A_wake_while_the_consumer_works_ends_its_next_wait_at_once()
    {
        var dispatcher = _signal.ListenForSends();

        // An add-messages commits and wakes while the dispatcher's claim finds nothing yet.
        _signal.Wake();

        Assert.True(dispatcher.WaitAsync(Forever, Cancellation).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Every_listener_sees_each_wake_once()
    {
        var dispatcher = _signal.ListenForSends();
        var reporter = _signal.ListenForReports();
        _signal.Wake();

        Assert.True(dispatcher.WaitAsync(Forever, Cancellation).IsCompletedSuccessfully);
        Assert.True(reporter.WaitAsync(Forever, Cancellation).IsCompletedSuccessfully);

        var dispatcherAgain = dispatcher.WaitAsync(Forever, Cancellation);
        var reporterAgain = reporter.WaitAsync(Forever, Cancellation);
        Assert.False(dispatcherAgain.IsCompleted);
        Assert.False(reporterAgain.IsCompleted);

        _signal.Wake();
        await Task.WhenAll(dispatcherAgain, reporterAgain).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
    }

    [Fact]
    public async Task Added_messages_wake_the_dispatcher_and_not_the_reporter()
    {
        Assert.Equal(TimeSpan.Zero, new DispatchOptions().DispatchDelayAfterEnqueue); // so the wake is now
        var dispatcher = _signal.ListenForSends();
        var reporter = _signal.ListenForReports();

        _signal.Enqueued();

        Assert.True(dispatcher.WaitAsync(Forever, Cancellation).IsCompletedSuccessfully);
        var reporterWait = reporter.WaitAsync(Forever, Cancellation);
        Assert.False(reporterWait.IsCompleted);

        // What the dispatcher sends, it reports: its wake after a round reaches the reporter.
        _signal.Wake();
        await reporterWait.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
    }

    [Fact]
    public async Task Without_a_wake_the_wait_ends_at_the_poll_interval()
    {
        var dispatcher = _signal.ListenForSends();
        var wait = dispatcher.WaitAsync(TimeSpan.FromMilliseconds(100), Cancellation);
        Assert.False(wait.IsCompleted);

        await wait.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
    }
}
