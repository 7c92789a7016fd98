using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Dispatch;

/// <summary>Wakes the dispatcher (add-messages, run-now) and the reporter (outcomes recorded, run-now) now instead of at their next poll.</summary>
public sealed class DispatchSignal(IOptions<DispatchOptions> options, TimeProvider time)
{
    // Added messages concern the dispatcher alone: the reporter has nothing new to report until they
    // are sent (the dispatcher wakes it then), and woken by every add-messages it looked for due
    // reports once per request.
    private readonly WakeChannel _sends = new();
    private readonly WakeChannel _reports = new();

    /// <summary>Something may be ready to send and to report (outcomes recorded, run-now).</summary>
    public void Wake()
    {
        _sends.Wake();
        _reports.Wake();
    }

    /// <summary>Messages were enqueued: wake the dispatcher now, or once they may be dispatched (<see cref="DispatchOptions.DispatchDelayAfterEnqueue"/>).</summary>
    public void Enqueued()
    {
        var delay = options.Value.DispatchDelayAfterEnqueue;
        if (delay <= TimeSpan.Zero)
        {
            _sends.Wake();
            return;
        }

        _ = Task.Delay(delay, time).ContinueWith(_ => _sends.Wake(), TaskScheduler.Default);
    }

    /// <summary>The dispatcher's view of the wakes: every one, enqueues included.</summary>
    public DispatchListener ListenForSends() => new(_sends);

    /// <summary>The reporter's view of the wakes: those that may leave something to report.</summary>
    public DispatchListener ListenForReports() => new(_reports);
}
