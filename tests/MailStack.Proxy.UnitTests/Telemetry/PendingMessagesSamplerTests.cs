using MailStack.Proxy.Telemetry;

namespace MailStack.Proxy.UnitTests.Telemetry;

public sealed class PendingMessagesSamplerTests
{
    [Theory]
    [InlineData(0, 5_000)]
    [InlineData(2, 5_000)]
    [InlineData(100, 5_000)]
    [InlineData(118, 5_900)]
    [InlineData(1_000, 50_000)]
    public void The_gauge_is_counted_every_5_s_or_50_times_as_long_as_the_count_took(int countMs, int waitMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(waitMs), PendingMessagesSampler.WaitAfter(TimeSpan.FromMilliseconds(countMs)));
}
