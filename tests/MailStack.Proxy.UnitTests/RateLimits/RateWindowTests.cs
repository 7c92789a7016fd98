using MailStack.Proxy.RateLimits;

namespace MailStack.Proxy.UnitTests.RateLimits;

public sealed class RateWindowTests
{
    private static long At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    [Theory]
    [InlineData("2026-11-26T10:15:42Z", "2026-11-26T10:15:00Z", "2026-11-26T10:16:00Z")]
    [InlineData("2026-11-26T10:15:00Z", "2026-11-26T10:15:00Z", "2026-11-26T10:16:00Z")]
    [InlineData("2026-11-26T10:15:59Z", "2026-11-26T10:15:00Z", "2026-11-26T10:16:00Z")]
    [InlineData("2026-12-31T23:59:59Z", "2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z")]
    public void A_minute_window_runs_from_the_minute_to_the_next(string now, string start, string end)
    {
        Assert.Equal(At(start), RateWindow.Minute.StartOf(At(now)));
        Assert.Equal(At(end), RateWindow.Minute.EndOf(At(now)));
    }

    [Theory]
    [InlineData("2026-11-26T10:15:42Z", "2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z")]
    [InlineData("2026-11-26T23:00:00Z", "2026-11-26T23:00:00Z", "2026-11-27T00:00:00Z")]
    public void An_hour_window_runs_from_the_hour_to_the_next(string now, string start, string end)
    {
        Assert.Equal(At(start), RateWindow.Hour.StartOf(At(now)));
        Assert.Equal(At(end), RateWindow.Hour.EndOf(At(now)));
    }

    [Theory]
    [InlineData("2026-11-26T10:15:42Z", "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z")]
    [InlineData("2026-11-26T00:00:00Z", "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z")]
    [InlineData("2028-02-28T23:59:59Z", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z")]
    public void A_day_window_runs_from_midnight_UTC_to_the_next(string now, string start, string end)
    {
        Assert.Equal(At(start), RateWindow.Day.StartOf(At(now)));
        Assert.Equal(At(end), RateWindow.Day.EndOf(At(now)));
    }

    [Fact]
    public void The_longest_window_is_a_day() => Assert.Equal(86400, RateWindow.Longest.Seconds);
}
