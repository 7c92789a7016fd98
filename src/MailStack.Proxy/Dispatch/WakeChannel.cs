namespace MailStack.Proxy.Dispatch;

/// <summary>One stream of wakes: a count of them and the task the next one completes.</summary>
internal sealed class WakeChannel
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _wakes;

    /// <summary>How many wakes there have been; a listener compares it with the count it has seen.</summary>
    public long Wakes => Interlocked.Read(ref _wakes);

    /// <summary>The wake that comes next; read before <see cref="Wakes"/>, so no wake falls between the two.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Wake()
    {
        // Counted before the waiters are released: a listener that has just read the old task either
        // holds it (and is released) or reads the new count (and does not wait).
        Interlocked.Increment(ref _wakes);
        Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
