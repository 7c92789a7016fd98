using Xunit;

namespace MailStack.Testing;

/// <summary>Awaits a condition instead of sleeping: polls a probe until it yields a value or the time is up.</summary>
public static class Eventually
{
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
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (true)
            {
                if (await probe(deadline.Token) is { } value)
                {
                    return value;
                }

                await timer.WaitForNextTickAsync(deadline.Token);
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
        using var timer = new PeriodicTimer(PollInterval);
        var end = DateTime.UtcNow + window;
        while (DateTime.UtcNow < end)
        {
            Assert.False(await happened(cancellation), $"{what} happened");
            await timer.WaitForNextTickAsync(cancellation);
        }
    }
}
