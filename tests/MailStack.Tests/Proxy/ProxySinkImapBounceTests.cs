using MailKit.Net.Smtp;
using MailStack.Testing.Bounces;
using MailStack.Tests.Proxy.Hosting;
using MimeKit;
using static MailStack.Tests.Proxy.BounceTestKit;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The proxy's bounce receiver pointed at a sink's IMAP instead of Dovecot: reports delivered to the
/// sink over SMTP, as an MTA would, are read, tied to their messages and filed like on Dovecot.
/// </summary>
public sealed class ProxySinkImapBounceTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task The_receiver_reads_a_sinks_imap_mailbox_files_reports_and_leaves_other_mail_unrecognized()
    {
        var imapEndpoint = stack.App.GetEndpoint("sink-tenant2", "imap");
        var mailbox = $"bounces-{Guid.NewGuid():N}@mailstack.test";
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess });
        using var admin = proxy.Client();
        await admin.ReadBouncesFromAsync(imapEndpoint.Host, imapEndpoint.Port, mailbox, "any");

        var tenantId = NewId("sinkimap");
        var smtp = stack.App.GetEndpoint("sink-tenant1", "smtp");
        await _proxy.CreateTenantAsync(tenantId, smtp.Host, smtp.Port, admin: admin);
        var (hardId, softId) = (NewId("h"), NewId("s"));
        var (hardTo, softTo) = ($"{hardId}@example.test", $"{softId}@example.test");
        await admin.AddMessagesAsync(OutgoingMessage.For(tenantId, hardId, hardTo), OutgoingMessage.For(tenantId, softId, softTo));
        await WaitForStatusAsync(admin, tenantId, hardId, s => s == MessageStatus.Sent);
        await WaitForStatusAsync(admin, tenantId, softId, s => s == MessageStatus.Sent);

        var notABounce = new MimeMessage([new MailboxAddress("", "someone@example.test")], [new MailboxAddress("", mailbox)], $"hello {tenantId}", new TextPart("plain") { Text = "not a bounce" });
        await DeliverToSinkAsync(mailbox,
            BounceReportBuilder.Hard(hardTo).WithTrackingId(hardId).Build(),
            BounceReportBuilder.Soft(softTo).WithTrackingId(softId).Build(),
            notABounce);

        var hard = await WaitForStatusAsync(admin, tenantId, hardId, s => s == MessageStatus.Bounced);
        var soft = await WaitForStatusAsync(admin, tenantId, softId, s => s == MessageStatus.Bounced);
        Assert.Equal(("hard", "511"), (hard.BounceType, hard.BounceCode));
        Assert.Equal(("soft", "422"), (soft.BounceType, soft.BounceCode));

        await using var imap = await ImapInjector.ConnectAsync(imapEndpoint.Host, imapEndpoint.Port, mailbox, "any", cancellationToken: Cancellation);
        await WaitInFolderAsync(imap, hardTo, Processed);
        await WaitInFolderAsync(imap, softTo, Processed);
        await WaitInFolderAsync(imap, $"hello {tenantId}", Unrecognized);
        Assert.Equal(0, await imap.CountAsync("INBOX", Cancellation));
    }

    /// <summary>Delivers <paramref name="messages"/> to <paramref name="mailbox"/> at sink-tenant2 over SMTP, one transaction each.</summary>
    private async Task DeliverToSinkAsync(string mailbox, params MimeMessage[] messages)
    {
        var endpoint = stack.App.GetEndpoint("sink-tenant2", "smtp");
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(endpoint.Host, endpoint.Port, MailKit.Security.SecureSocketOptions.None, Cancellation);
        foreach (var message in messages)
        {
            await smtp.SendAsync(message, new MailboxAddress("", "mailer-daemon@example.test"), [new MailboxAddress("", mailbox)], Cancellation);
        }

        await smtp.DisconnectAsync(true, Cancellation);
    }
}
