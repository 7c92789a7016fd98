using MailStack.Proxy.Retention;

namespace MailStack.Proxy.UnitTests.Retention;

public sealed class RetentionRuleTests
{
    private const long Now = 1_795_688_142;

    [Fact]
    public void The_tenants_retention_counts_back_from_now() =>
        Assert.Equal(Now - 604_800, RetentionRule.Threshold(Now, 604_800));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_retention_of_zero_or_less_keeps_everything(long retention) =>
        Assert.Null(RetentionRule.Threshold(Now, retention));

    [Fact]
    public void Older_than_seconds_replaces_the_tenants_retention()
    {
        Assert.Equal(Now - 60, RetentionRule.Threshold(Now, 604_800, olderThanSeconds: 60));
        Assert.Equal(Now - 60, RetentionRule.Threshold(Now, 0, olderThanSeconds: 60));
    }

    [Fact]
    public void A_negative_older_than_counts_as_zero() =>
        Assert.Equal(Now, RetentionRule.Threshold(Now, 604_800, olderThanSeconds: -30));
}
