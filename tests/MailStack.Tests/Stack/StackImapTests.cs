using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailStack.Tests.Stack;

/// <summary>A tenant's sink as a mail client sees it: log in over IMAP as the recipient and read what arrived over SMTP.</summary>
public sealed class StackImapTests(StackFixture stack)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_recipient_reads_its_mail_over_imap_from_the_tenant_sink()
    {
        using var api = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        var to = api.NewAddress("stack-imap");
        var smtp = stack.App.GetEndpoint("sink-tenant1", "smtp");
        using (var sender = new SmtpClient())
        {
            await sender.ConnectAsync(smtp.Host, smtp.Port, SecureSocketOptions.None, Cancellation);
            await sender.SendAsync(new MimeMessage([MailboxAddress.Parse("app@example.test")], [MailboxAddress.Parse(to)], "read me over IMAP", new TextPart("plain") { Text = "hello, IMAP" }), Cancellation);
            await sender.DisconnectAsync(true, Cancellation);
        }

        var imap = stack.App.GetEndpoint("sink-tenant1", "imap");
        using var client = new ImapClient();
        await client.ConnectAsync(imap.Host, imap.Port, SecureSocketOptions.None, Cancellation);
        await client.AuthenticateAsync(to, "any password", Cancellation);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);

        Assert.Equal(1, client.Inbox.Count);
        var message = await client.Inbox.GetMessageAsync(0, Cancellation);
        Assert.Equal("read me over IMAP", message.Subject);
        Assert.Equal("hello, IMAP", message.TextBody!.Trim());
        await client.DisconnectAsync(true, Cancellation);
    }
}
