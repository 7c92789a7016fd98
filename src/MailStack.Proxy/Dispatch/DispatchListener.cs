namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Waits for the next wake of one of a <see cref="DispatchSignal"/>'s streams, remembering which wakes it has seen:
/// a wake that comes while its consumer works (an add-messages committed during an empty claim,
/// say) ends the consumer's next wait at once instead of being lost until the next poll.
/// </summary>
public sealed class DispatchListener
{
    private readonly WakeChannel _channel;
    private long _seen;

    internal DispatchListener(WakeChannel channel)
    {
        _channel = channel;
        _seen = channel.Wakes;
    }

    /// <summary>Returns at the next wake not yet seen (at once if one came since the last wait), or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var next = _channel.Next;
        if (_channel.Wakes == _seen)
        {
            await Task.WhenAny(next, Task.Delay(timeout, cancellationToken));
        }

        // Every wake counted so far is covered by the work that follows this wait.
        _seen = _channel.Wakes;
    }
}
