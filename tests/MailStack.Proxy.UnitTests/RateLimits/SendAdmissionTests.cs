using MailStack.Proxy.RateLimits;

namespace MailStack.Proxy.UnitTests.RateLimits;

public sealed class SendAdmissionTests
{
    // 2026-11-26T10:15:42Z
    private const long Now = 1_795_688_142;
    private static readonly long NextMinute = RateWindow.Minute.EndOf(Now);
    private static readonly long NextHour = RateWindow.Hour.EndOf(Now);
    private static readonly long Midnight = RateWindow.Day.EndOf(Now);

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(0, 0, 0)]
    [InlineData(-5, null, 0)]
    public void Null_or_non_positive_limits_are_unlimited(int? perMinute, int? perHour, int? perDay)
    {
        var limits = SendLimits.Of(perMinute, perHour, perDay);
        Assert.True(limits.Unlimited);
        Assert.Equal(SendAdmission.All(500), SendAdmission.Decide(limits, new SendUsage(10_000, 10_000, 10_000), 500, Now));
    }

    [Fact]
    public void Under_the_limit_everything_goes()
    {
        var admission = SendAdmission.Decide(SendLimits.Of(10, null, null), new SendUsage(3, 3, 3), 7, Now);
        Assert.Equal(7, admission.Admitted);
        Assert.Empty(admission.Excess);
    }

    [Fact]
    public void Over_the_minute_limit_the_excess_waits_for_the_next_minute()
    {
        var admission = SendAdmission.Decide(SendLimits.Of(10, null, null), new SendUsage(7, 7, 7), 5, Now);
        Assert.Equal(3, admission.Admitted);
        Assert.Equal(2, admission.Excess.Count);
        Assert.All(admission.Excess, hit =>
        {
            Assert.Equal(NextMinute, hit.Until);
            Assert.Equal("rate limit: 10 per minute", hit.Reason);
        });
    }

    [Fact]
    public void In_flight_and_done_count_alike_so_a_full_window_admits_nothing()
    {
        var admission = SendAdmission.Decide(SendLimits.Of(10, null, null), new SendUsage(10, 10, 10), 1, Now);
        Assert.Equal(0, admission.Admitted);
        Assert.Equal(NextMinute, Assert.Single(admission.Excess).Until);
    }

    [Fact]
    public void Usage_over_the_limit_after_lowering_it_admits_nothing()
    {
        var admission = SendAdmission.Decide(SendLimits.Of(2, null, null), new SendUsage(9, 9, 9), 3, Now);
        Assert.Equal(0, admission.Admitted);
        Assert.Equal(3, admission.Excess.Count);
    }

    [Fact]
    public void The_hour_limit_defers_to_the_next_hour()
    {
        var admission = SendAdmission.Decide(SendLimits.Of(null, 100, null), new SendUsage(0, 99, 99), 3, Now);
        Assert.Equal(1, admission.Admitted);
        Assert.All(admission.Excess, hit =>
        {
            Assert.Equal(NextHour, hit.Until);
            Assert.Equal("rate limit: 100 per hour", hit.Reason);
        });
    }

    [Fact]
    public void The_day_limit_defers_to_midnight_UTC()
    {
        var admission = SendAdmission.Decide(SendLimits.Of(null, null, 1000), new SendUsage(0, 0, 1000), 1, Now);
        Assert.Equal(0, admission.Admitted);
        var hit = Assert.Single(admission.Excess);
        Assert.Equal(Midnight, hit.Until);
        Assert.Equal("rate limit: 1000 per day", hit.Reason);
    }

    [Fact]
    public void Each_held_back_message_waits_for_the_longest_window_that_is_full_for_it()
    {
        // Minute: 2 left; hour: 5 left. Messages 3–5 only need the next minute; 6–10 need the next hour.
        var admission = SendAdmission.Decide(SendLimits.Of(10, 100, null), new SendUsage(8, 95, 95), 10, Now);
        Assert.Equal(2, admission.Admitted);
        Assert.Equal([NextMinute, NextMinute, NextMinute, NextHour, NextHour, NextHour, NextHour, NextHour], admission.Excess.Select(h => h.Until));
        Assert.Equal("rate limit: 10 per minute", admission.Excess[0].Reason);
        Assert.Equal("rate limit: 100 per hour", admission.Excess[^1].Reason);
    }

    [Fact]
    public void Nothing_requested_admits_nothing() =>
        Assert.Equal(new SendAdmission(0, []).Admitted, SendAdmission.Decide(SendLimits.Of(1, 1, 1), SendUsage.Nothing, 0, Now).Admitted);
}
