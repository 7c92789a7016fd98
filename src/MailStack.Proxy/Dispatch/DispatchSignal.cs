using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Dispatch;

/// <summary>Wakes the dispatcher and reporter now (add-messages, run-now) instead of at the next poll.</summary>
public sealed class DispatchSignal(IOptions<DispatchOptions> options, TimeProvider time)
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _wakes;

    /// <summary>How many wakes there have been; a listener compares it with the count it has seen.</summary>
    internal long Wakes => Interlocked.Read(ref _wakes);

    /// <summary>The wake that comes next; read before <see cref="Wakes"/>, so no wake falls between the two.</summary>
    internal Task Next => Volatile.Read(ref _next).Task;

    public void Wake()
    {
        // Counted before the waiters are released: a listener that has just read the old task either
        // holds it (and is released) or reads the new count (and does not wait).
        Interlocked.Increment(ref _wakes);
        Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

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

    /// <summary>One consumer's view of the wakes (the dispatcher's, the reporter's), so each sees every wake.</summary>
    public DispatchListener Listen() => new(this);
}
