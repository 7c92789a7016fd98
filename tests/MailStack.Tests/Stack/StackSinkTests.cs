using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailStack.Tests.Stack;

/// <summary>The tenant sinks as the stack runs them: SMTP in, API out, and each tenant's mail kept apart.</summary>
/// <remarks>
/// Alone, because the purge empties sink-tenant2 for everyone: the bounce receiver's tests read its
/// IMAP mailbox, and a purge in the middle of one took the report it waited for.
/// </remarks>
[Collection(nameof(RunsAlone))]
public sealed class StackSinkTests(StackFixture stack)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<string> SendAsync(string sink, string to, string subject)
    {
        var smtp = stack.App.GetEndpoint(sink, "smtp");
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, SecureSocketOptions.None, Cancellation);
        var message = new MimeMessage([MailboxAddress.Parse("app@example.test")], [MailboxAddress.Parse(to)], subject, new TextPart("plain") { Text = subject });
        var reply = await client.SendAsync(message, Cancellation);
        await client.DisconnectAsync(true, Cancellation);
        return reply;
    }

    private MailSinkClient ClientFor(string sink) => new(stack.App.GetEndpoint(sink, "http"));

    [Fact]
    public async Task Mail_sent_to_a_tenant_sink_is_visible_through_its_api_and_not_the_other_tenants()
    {
        using var tenant1 = ClientFor("sink-tenant1");
        using var tenant2 = ClientFor("sink-tenant2");
        var to = tenant1.NewAddress("stack-sink");

        await SendAsync("sink-tenant1", to, "for tenant 1");

        var stored = await tenant1.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.Equal("for tenant 1", stored.Subject);
        Assert.Empty(await tenant2.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Release_in_tenant1s_sink_relays_to_tenant2s_sink()
    {
        using var tenant1 = ClientFor("sink-tenant1");
        using var tenant2 = ClientFor("sink-tenant2");
        var to = tenant1.NewAddress("release-source");
        var releasedTo = tenant2.NewAddress("release-target");
        await SendAsync("sink-tenant1", to, "released across tenants");
        var original = await tenant1.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);

        await tenant1.ReleaseAsync(original.ID, [releasedTo], Cancellation);

        var released = await tenant2.WaitForMessageAsync(MailSinkClient.To(releasedTo), cancellationToken: Cancellation);
        Assert.Equal("released across tenants", released.Subject);
        Assert.NotEqual(original.MessageID, released.MessageID);
    }

    [Fact]
    public async Task Purge_command_empties_a_sink()
    {
        // Purging is global to the sink: this class runs alone (RunsAlone).
        using var tenant2 = ClientFor("sink-tenant2");
        var to = tenant2.NewAddress("purge-command");
        await SendAsync("sink-tenant2", to, "to be purged");
        await tenant2.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);

        var result = await stack.App.ResourceCommands.ExecuteCommandAsync("sink-tenant2", "purge-messages", Cancellation);

        Assert.True(result.Success, result.Message);
        Assert.Empty(await tenant2.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation));
    }
}
