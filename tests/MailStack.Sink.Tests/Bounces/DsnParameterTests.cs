using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using static MailStack.Sink.Tests.Bounces.BounceReports;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Bounces;

/// <summary>The SMTP DSN extension (RFC 3461): advertised, parsed, kept in the envelope, shown by the API.</summary>
public sealed class DsnParameterTests
{
    [Fact]
    public async Task Ehlo_advertises_dsn()
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();

        var ehlo = (await wire.CommandAsync("EHLO dsn.test")).Split('\n');

        Assert.Contains("250-DSN", ehlo);
    }

    [Fact]
    public async Task Ret_envid_notify_and_orcpt_are_kept_in_the_envelope_and_shown_by_the_api()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var first = api.NewAddress("dsn-first");
        var second = api.NewAddress("dsn-second");

        await SendRawAsync(sink, "<app@example.test> RET=HDRS ENVID=tenant1+3Amsg+2B1",
            [$"<{first}> NOTIFY=success,FAILURE ORCPT=rfc822;alias+2Bone@example.test", $"<{second}>"], "dsn-params");

        var envelope = (await api.WaitForMessageAsync(MailSinkClient.To(first), cancellationToken: Cancellation)).Envelope!;
        Assert.Equal(("app@example.test", "HDRS", "tenant1:msg+1"), (envelope.From, envelope.Ret, envelope.EnvId));
        Assert.Equal([new EnvelopeRecipient(first, "SUCCESS,FAILURE", "rfc822;alias+one@example.test"), new EnvelopeRecipient(second, null, null)], envelope.Recipients);
    }

    [Fact]
    public async Task A_message_without_dsn_parameters_shows_a_plain_envelope()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("no-dsn");

        await SendAsync(sink, NewMessage(to, "no dsn", from: "plain@example.test"));

        var envelope = (await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Envelope!;
        Assert.Equal(("plain@example.test", null, null), (envelope.From, envelope.Ret, envelope.EnvId));
        Assert.Equal([new EnvelopeRecipient(to, null, null)], envelope.Recipients);
    }

    [Fact]
    public async Task Mailkit_sends_dsn_parameters_when_the_sink_offers_them()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("mailkit-dsn");
        using var client = new DsnClient("envelope-42", DeliveryStatusNotification.Failure | DeliveryStatusNotification.Delay)
        {
            DeliveryStatusNotificationType = DeliveryStatusNotificationType.Full,
        };
        await client.ConnectAsync(sink.Host, sink.SmtpPort, MailKit.Security.SecureSocketOptions.None, Cancellation);

        await client.SendAsync(NewMessage(to, "mailkit dsn"), Cancellation);
        await client.DisconnectAsync(true, Cancellation);

        var envelope = (await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Envelope!;
        Assert.Equal(("FULL", "envelope-42"), (envelope.Ret, envelope.EnvId));
        Assert.Equal([new EnvelopeRecipient(to, "FAILURE,DELAY", $"rfc822;{to}")], envelope.Recipients);
    }

    [Theory]
    [InlineData("MAIL FROM:<a@example.test> RET=PARTIAL", "501 5.5.4 Error: Bad RET parameter syntax")]
    [InlineData("MAIL FROM:<a@example.test> RET=FULL RET=HDRS", "501 5.5.4 Error: Bad RET parameter syntax")]
    [InlineData("MAIL FROM:<a@example.test> RET", "501 5.5.4 Error: Bad RET parameter syntax")]
    [InlineData("MAIL FROM:<a@example.test> ENVID=", "501 5.5.4 Error: Bad ENVID parameter syntax")]
    [InlineData("MAIL FROM:<a@example.test> ENVID=a+zz", "501 5.5.4 Error: Bad ENVID parameter syntax")]
    [InlineData("MAIL FROM:<a@example.test> ENVID=a ENVID=b", "501 5.5.4 Error: Bad ENVID parameter syntax")]
    [InlineData("MAIL FROM:<a@example.test> ENVID=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "501 5.5.4 Error: Bad ENVID parameter syntax")]
    [InlineData("MAIL FROM:<a@example.test> FROB=1", "555 5.5.4 Unsupported option: FROB=1")]
    public async Task Bad_mail_parameters_are_refused(string command, string expected)
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO dsn.test");

        Assert.Equal(expected, await wire.CommandAsync(command));
        // The transaction did not start: a correct MAIL is still accepted.
        Assert.Equal("250 2.1.0 Ok", await wire.CommandAsync("MAIL FROM:<a@example.test> BODY=8BITMIME SIZE=100 RET=FULL ENVID=x"));
    }

    [Theory]
    [InlineData("NOTIFY=NEVER,SUCCESS", "501 5.5.4 Error: Bad NOTIFY parameter syntax")]
    [InlineData("NOTIFY=SOMETIMES", "501 5.5.4 Error: Bad NOTIFY parameter syntax")]
    [InlineData("NOTIFY=FAILURE,FAILURE", "501 5.5.4 Error: Bad NOTIFY parameter syntax")]
    [InlineData("NOTIFY=", "501 5.5.4 Error: Bad NOTIFY parameter syntax")]
    [InlineData("NOTIFY=DELAY NOTIFY=FAILURE", "501 5.5.4 Error: Bad NOTIFY parameter syntax")]
    [InlineData("ORCPT=b@example.test", "501 5.5.4 Error: Bad ORCPT parameter syntax")]
    [InlineData("ORCPT=;b@example.test", "501 5.5.4 Error: Bad ORCPT parameter syntax")]
    [InlineData("ORCPT=rfc822;", "501 5.5.4 Error: Bad ORCPT parameter syntax")]
    [InlineData("ORCPT=rfc822;b=c", "501 5.5.4 Error: Bad ORCPT parameter syntax")]
    [InlineData("XFORWARD=1", "555 5.5.4 Unsupported option: XFORWARD=1")]
    public async Task Bad_rcpt_parameters_are_refused(string parameters, string expected)
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO dsn.test");
        await wire.CommandAsync("MAIL FROM:<a@example.test>");

        Assert.Equal(expected, await wire.CommandAsync($"RCPT TO:<b@example.test> {parameters}"));
        Assert.Equal("250 2.1.5 Ok", await wire.CommandAsync("RCPT TO:<b@example.test> NOTIFY=NEVER ORCPT=utf-8;b@example.test"));
    }

    /// <summary>MailKit's documented way to ask for DSNs: override the envelope id and the notifications.</summary>
    private sealed class DsnClient(string envelopeId, DeliveryStatusNotification notify) : SmtpClient
    {
        protected override string GetEnvelopeId(MimeMessage message) => envelopeId;

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) => notify;
    }
}
