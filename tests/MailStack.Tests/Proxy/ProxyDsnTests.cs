using MailStack.Proxy.Bounces.Parsing;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// What the proxy asks of a server that offers DSN (RFC 3461), read back from the sink's stored
/// envelope through its API: an ENVID naming the message, NOTIFY=FAILURE,DELAY per recipient, and a
/// made-up Message-ID naming it too.
/// </summary>
public sealed class ProxyDsnTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task The_proxy_asks_a_dsn_server_for_failure_and_delay_reports_that_name_the_message()
    {
        await using var sink = await SinkTestKit.StartSinkAsync();
        var tenantId = NewId("dsn");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort));
        // Too long for an ENVID (100 characters): sent without one; the tracking header and Message-ID still name it.
        var longId = "long-" + new string('x', 120);
        var added = await tenant.AddMessagesAsync(
            OutgoingMessage.For(tenantId, "dsn-1", "to@example.test", $"{tenantId}-short") with { Cc = ["cc@example.test"] },
            OutgoingMessage.For(tenantId, longId, "to@example.test", $"{tenantId}-long"));
        Assert.Equal(2, added.Queued);
        await WaitForStatusAsync(tenant, tenantId, "dsn-1", s => s == MessageStatus.Sent);
        await WaitForStatusAsync(tenant, tenantId, longId, s => s == MessageStatus.Sent);

        var api = SinkTestKit.ClientFor(sink);
        var shortMail = await api.WaitForMessageAsync($"subject:{tenantId}-short", cancellationToken: Cancellation);
        var longMail = await api.WaitForMessageAsync($"subject:{tenantId}-long", cancellationToken: Cancellation);

        Assert.Equal($"ms1.{tenantId}.dsn-1", shortMail.Envelope!.EnvId);
        Assert.Null(shortMail.Envelope.Ret);
        Assert.Equal([("to@example.test", "FAILURE,DELAY"), ("cc@example.test", "FAILURE,DELAY")], shortMail.Envelope.Recipients.Select(r => (r.Address, r.Notify)));
        Assert.True(BounceMessageId.TryParse(shortMail.MessageID, out var shortKey));
        Assert.Equal(new BouncedMessageKey(tenantId, "dsn-1"), shortKey);

        Assert.Null(longMail.Envelope!.EnvId);
        Assert.Equal([("to@example.test", "FAILURE,DELAY")], longMail.Envelope.Recipients.Select(r => (r.Address, r.Notify)));
        Assert.True(BounceMessageId.TryParse(longMail.MessageID, out var longKey));
        Assert.Equal(new BouncedMessageKey(tenantId, longId), longKey);
    }
}
