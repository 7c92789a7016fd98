using Xunit;

namespace MailStack.Testing;

/// <summary>Awaits a condition instead of sleeping: polls a probe until it yields a value or the time is up.</summary>
public static class Eventually
{
    /// <summary>
    /// The pause between the end of one probe and the start of the next. A pause, not a period: on a
    /// busy machine a probe (an API call, a query) can take longer than a period, and a periodic timer
    /// would then start the next at once, so the waiting tests polled back to back and took the CPU
    /// the work they wait for needs.
    /// </summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <param name="probe">Returns the awaited value, or null while it is not there yet.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="lastSeen">Describes the last state seen, for the failure message.</param>
    public static async Task<T> GetAsync<T>(Func<CancellationToken, Task<T?>> probe, string what, TimeSpan? timeout = null, Func<string>? lastSeen = null)
        where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            while (true)
            {
                if (await probe(deadline.Token) is { } value)
                {
                    return value;
                }

                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}{(lastSeen is null ? "" : $"; last seen: {lastSeen()}")}");
        }
    }

    /// <summary>
    /// The opposite: fails if <paramref name="happened"/> turns true at any poll within
    /// <paramref name="window"/> (for "this must not happen" — a window, not a synchronisation).
    /// </summary>
    public static async Task NeverAsync(Func<CancellationToken, Task<bool>> happened, TimeSpan window, string what)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var end = DateTime.UtcNow + window;
        while (DateTime.UtcNow < end)
        {
            Assert.False(await happened(cancellation), $"{what} happened");
            await Task.Delay(PollInterval, cancellation);
        }
    }
}
