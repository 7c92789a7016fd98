using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Dispatch;

/// <summary>Wakes the dispatcher and reporter now (add-messages, run-now) instead of at the next poll.</summary>
public sealed class DispatchSignal(IOptions<DispatchOptions> options, TimeProvider time)
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => Interlocked.Exchange(ref _signal, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Messages were enqueued: wake now, or once they may be dispatched (<see cref="DispatchOptions.DispatchDelayAfterEnqueue"/>).</summary>
    public void Enqueued()
    {
        var delay = options.Value.DispatchDelayAfterEnqueue;
        if (delay <= TimeSpan.Zero)
        {
            Wake();
            return;
        }

        _ = Task.Delay(delay, time).ContinueWith(_ => Wake(), TaskScheduler.Default);
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.WhenAny(Volatile.Read(ref _signal).Task, Task.Delay(timeout, cancellationToken));
}
