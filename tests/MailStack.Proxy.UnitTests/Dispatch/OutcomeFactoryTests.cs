using MailStack.Proxy.Dispatch;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailStack.Proxy.UnitTests.Dispatch;

public sealed class OutcomeFactoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private OutcomeFactory Factory(DispatchOptions? options = null) => new(Options.Create(options ?? new DispatchOptions()), _time);

    private static ClaimedMessage Claimed(int retries) => new(7, "t", "m", "a", default, retries, 2, null);

    [Fact]
    public void Sent_and_error_record_the_time_and_keep_the_retry_count()
    {
        var sent = Factory().Sent(Claimed(2));
        Assert.Equal((MessageStatus.Sent, "sent", null, Now.ToUnixTimeSeconds(), 2), (sent.Status, sent.Description, sent.Error, sent.Ts, sent.RetryCount));
        var error = Factory().Error(Claimed(0), "no such user (SMTP 550)");
        Assert.Equal((MessageStatus.Error, "no such user (SMTP 550)", "no such user (SMTP 550)"), (error.Status, error.Description, error.Error));
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(1, 300)]
    [InlineData(2, 900)]
    [InlineData(3, 3600)]
    [InlineData(4, 7200)]
    public void A_deferral_counts_the_retry_and_waits_the_default_backoff(int retries, int seconds)
    {
        var deferred = Factory().Deferred(Claimed(retries), "try later (SMTP 451)");
        Assert.Equal(MessageStatus.Deferred, deferred.Status);
        Assert.Equal(retries + 1, deferred.RetryCount);
        Assert.Equal(Now.AddSeconds(seconds).ToUnixTimeSeconds(), deferred.DeferredTs);
    }

    [Fact]
    public void Past_the_retries_a_deferral_is_an_error_saying_so()
    {
        var outcome = Factory(new DispatchOptions { MaxRetries = 2 }).Deferred(Claimed(2), "try later");
        Assert.Equal(MessageStatus.Error, outcome.Status);
        Assert.Equal("Max retries (2) exceeded: try later", outcome.Error);
    }

    [Fact]
    public void A_configured_backoff_repeats_its_last_step()
    {
        var options = new DispatchOptions { Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)] };
        Assert.Equal(TimeSpan.FromSeconds(1), options.BackoffFor(1));
        Assert.Equal(TimeSpan.FromSeconds(5), options.BackoffFor(2));
        Assert.Equal(TimeSpan.FromSeconds(5), options.BackoffFor(9));
        Assert.Equal(Now.AddSeconds(5).ToUnixTimeSeconds(), Factory(options).Deferred(Claimed(3), "x").DeferredTs);
    }

    [Fact]
    public void A_failure_becomes_error_or_deferral_by_its_kind()
    {
        Assert.Equal(MessageStatus.Error, Factory().Failed(Claimed(0), new SmtpFailure("x", Permanent: true)).Status);
        Assert.Equal(MessageStatus.Deferred, Factory().Failed(Claimed(0), new SmtpFailure("x", Permanent: false)).Status);
    }
}
