using MailKit.Security;
using MailStack.Proxy.Dispatch;

namespace MailStack.Proxy.UnitTests.Dispatch;

public sealed class SmtpEndpointTests
{
    [Fact]
    public void An_account_becomes_an_endpoint_with_its_tls_mode_and_credentials()
    {
        var endpoint = SmtpEndpoint.Of(new SmtpAccount("t", "a", "smtp.example.test", 465, "u", "p", null, null, null, null, LimitBehavior.Defer));
        Assert.Equal(new SmtpEndpoint("smtp.example.test", 465, SecureSocketOptions.SslOnConnect, "u", "p"), endpoint);
        Assert.Equal("smtp.example.test:465", endpoint.ToString());
    }
}
