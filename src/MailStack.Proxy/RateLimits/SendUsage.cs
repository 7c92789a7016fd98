namespace MailStack.Proxy.RateLimits;

/// <summary>Sends (done or in flight) already counted in the current minute, hour and day of one account.</summary>
public sealed record SendUsage(long ThisMinute, long ThisHour, long Today)
{
    public static SendUsage Nothing { get; } = new(0, 0, 0);

    public long In(RateWindow window) =>
        window == RateWindow.Minute ? ThisMinute : window == RateWindow.Hour ? ThisHour : Today;
}
