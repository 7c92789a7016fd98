namespace MailStack.Proxy.Bounces;

/// <summary>
/// POST /instance/reload-bounce → the receiver: ends its current session (and any wait) so it
/// starts again with the settings now stored.
/// </summary>
public sealed class BounceReload : IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _current = new();

    /// <summary>Cancelled by the next <see cref="Request"/>.</summary>
    public CancellationToken Token
    {
        get
        {
            lock (_gate)
            {
                return _current.Token;
            }
        }
    }

    public void Request()
    {
        CancellationTokenSource previous;
        lock (_gate)
        {
            previous = _current;
            _current = new CancellationTokenSource();
        }

        // Not disposed: a session may still be linking to its token (a CTS without a timer holds nothing to free).
        previous.Cancel();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current.Dispose();
        }
    }
}
