using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailStack.Proxy.Dispatch;

namespace MailStack.Proxy.UnitTests.Dispatch;

public sealed class SmtpFailureTests
{
    [Theory]
    [InlineData(550, "5.1.1 no such user", "5.1.1 no such user (SMTP 550)", true)]
    [InlineData(552, "too big", "too big (SMTP 552)", true)]
    [InlineData(451, "try later", "try later (SMTP 451)", false)]
    [InlineData(452, "mailbox full", "mailbox full (SMTP 452)", false)]
    [InlineData(421, "closing", "closing (SMTP 421)", false)]
    public void A_server_reply_is_permanent_from_500_on_and_keeps_its_text(int code, string text, string reason, bool permanent) =>
        Assert.Equal(new SmtpFailure(reason, permanent), SmtpFailure.Classify(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, (SmtpStatusCode)code, text)));

    [Fact]
    public void Failed_login_and_tls_are_permanent()
    {
        Assert.Equal(new SmtpFailure("bad credentials (SMTP 535)", true), SmtpFailure.Classify(new AuthenticationException("bad credentials")));
        Assert.True(SmtpFailure.Classify(new SslHandshakeException("no trust"))!.Permanent);
        Assert.StartsWith("TLS failed: ", SmtpFailure.Classify(new SslHandshakeException("no trust"))!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_errors_and_timeouts_are_retried_and_cancellation_is_no_outcome()
    {
        Assert.Equal(new SmtpFailure("refused", false), SmtpFailure.Classify(new SocketException((int)SocketError.ConnectionRefused, "refused")));
        Assert.False(SmtpFailure.Classify(new TimeoutException("slow"))!.Permanent);
        Assert.False(SmtpFailure.Classify(new IOException("reset"))!.Permanent);
        Assert.Null(SmtpFailure.Classify(new OperationCanceledException()));
    }
}
