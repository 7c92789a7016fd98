namespace MailStack.Proxy.RateLimits;

/// <summary>
/// A calendar window of a rate limit: the current UTC minute, hour or day. Windows start on the
/// boundary (as genro-mail-proxy defers to the next minute, hour or midnight UTC), so a window's
/// count starts from zero exactly when a message deferred over it becomes due.
/// </summary>
public sealed record RateWindow(string Name, long Seconds)
{
    public static RateWindow Minute { get; } = new("minute", 60);

    public static RateWindow Hour { get; } = new("hour", 3600);

    public static RateWindow Day { get; } = new("day", 86400);

    /// <summary>Shortest first, the order limits are checked in.</summary>
    public static IReadOnlyList<RateWindow> All { get; } = [Minute, Hour, Day];

    /// <summary>The longest window: sends older than this never count again.</summary>
    public static RateWindow Longest => Day;

    /// <summary>Where the window holding <paramref name="unixSeconds"/> begins (Unix time has no leap seconds, so days are 86,400 s from midnight UTC).</summary>
    public long StartOf(long unixSeconds) => unixSeconds - Mod(unixSeconds);

    /// <summary>The next boundary: when the window holding <paramref name="unixSeconds"/> ends and the next opens.</summary>
    public long EndOf(long unixSeconds) => StartOf(unixSeconds) + Seconds;

    private long Mod(long unixSeconds) => ((unixSeconds % Seconds) + Seconds) % Seconds;
}
