using MailStack.Sink.Hosting;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Imap;

/// <summary>Garbage, wrong states, oversized literals, silent and stopped sessions: a clear BAD/NO or BYE, never a crash or a hang.</summary>
public sealed class ImapBadInputTests
{
    private static async Task<ImapWire> ConnectAsync(MailSink sink) => (await ImapWire.ConnectAsync(sink.Host, sink.ImapPort)).Wire;

    [Fact]
    public async Task Garbage_and_commands_in_the_wrong_state_get_bad_and_the_session_goes_on()
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await ConnectAsync(sink);

        await wire.SendAsync("+++\r\n");
        Assert.Equal("* BAD Invalid tag", await wire.ReadLineAsync());
        await wire.SendAsync("lonely\r\n");
        Assert.Equal("lonely BAD Missing command", await wire.ReadLineAsync());
        Assert.Equal("b1 BAD Unknown command\n", await wire.CommandAsync("b1", "FROB"));
        Assert.Equal("b2 BAD Please log in first\n", await wire.CommandAsync("b2", "SELECT INBOX"));
        Assert.Equal("b3 BAD Missing argument\n", await wire.CommandAsync("b3", "LOGIN onlyuser"));
        Assert.Equal("b4 BAD Unterminated quoted string\n", await wire.CommandAsync("b4", "LOGIN \"open pw"));
        Assert.StartsWith("b5 OK", await wire.CommandAsync("b5", "LOGIN bad-input@example.test pw"), StringComparison.Ordinal);
        Assert.Equal("b6 BAD No mailbox selected\n", await wire.CommandAsync("b6", "FETCH 1 FLAGS"));
        Assert.Equal("b7 NO [NONEXISTENT] Mailbox doesn't exist: Nowhere\n", await wire.CommandAsync("b7", "SELECT Nowhere"));
        Assert.Equal("b8 NO [CANNOT] INBOX cannot be deleted\n", await wire.CommandAsync("b8", "DELETE INBOX"));
        Assert.EndsWith("b9 OK [READ-WRITE] SELECT completed\n", await wire.CommandAsync("b9", "SELECT INBOX"), StringComparison.Ordinal);
        Assert.Equal("c1 BAD Invalid message sequence number: 5 (the mailbox has 0)\n", await wire.CommandAsync("c1", "FETCH 5 FLAGS"));
        Assert.Equal("c2 BAD Unknown fetch item 'BOGUS'\n", await wire.CommandAsync("c2", "UID FETCH 1:* (BOGUS)"));
        Assert.Equal("c3 NO [TRYCREATE] Mailbox doesn't exist: Missing\n", await wire.CommandAsync("c3", "UID COPY 1 Missing"));
        Assert.Equal("c4 BAD Unknown search key 'SOMETIME'\n", await wire.CommandAsync("c4", "SEARCH SOMETIME"));
        Assert.Equal("c5 OK NOOP completed\n", await wire.CommandAsync("c5", "NOOP"));
    }

    [Fact]
    public async Task An_oversized_literal_is_refused_before_it_is_sent_and_a_literal_plus_one_ends_the_session()
    {
        await using var sink = await StartSinkAsync(o => o.Imap.MaxLiteralSize = 1000);
        await using var wire = await ConnectAsync(sink);
        await wire.CommandAsync("a", "LOGIN big@example.test pw");

        Assert.Equal("t1 BAD [TOOBIG] Literal too large (at most 1000 bytes)\n", await wire.CommandAsync("t1", "APPEND INBOX {5000}"));
        Assert.Equal("t2 OK NOOP completed\n", await wire.CommandAsync("t2", "NOOP"));

        await wire.SendAsync("t3 APPEND INBOX {5000+}\r\n");
        Assert.Equal("t3 BAD [TOOBIG] Literal too large (at most 1000 bytes)", await wire.ReadLineAsync());
        Assert.Equal("* BYE Literal too large", await wire.ReadLineAsync());
        Assert.True(await wire.IsClosedAsync());
    }

    [Fact]
    public async Task A_silent_client_is_logged_out()
    {
        await using var sink = await StartSinkAsync(o => o.Imap.AutoLogoutTimeout = TimeSpan.FromMilliseconds(300));
        await using var wire = await ConnectAsync(sink);

        Assert.Equal("* BYE Autologout; idle for too long", await wire.ReadLineAsync());
        Assert.True(await wire.IsClosedAsync());
    }

    [Fact]
    public async Task Stopping_the_sink_ends_sessions_with_bye_even_in_idle()
    {
        var sink = await StartSinkAsync();
        await using var _ = sink;
        await using var wire = await ConnectAsync(sink);
        await wire.CommandAsync("a", "LOGIN stop@example.test pw");
        await wire.CommandAsync("s", "SELECT INBOX");
        await wire.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());

        await sink.StopAsync();

        Assert.Equal("* BYE Server shutting down", await wire.ReadLineAsync());
        Assert.True(await wire.IsClosedAsync());
    }

    [Fact]
    public async Task Too_many_bad_commands_in_a_row_end_the_session()
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await ConnectAsync(sink);
        for (var i = 0; i < 19; i++)
        {
            Assert.Equal($"x{i} BAD Unknown command\n", await wire.CommandAsync($"x{i}", "NONSENSE"));
        }

        await wire.SendAsync("x19 NONSENSE\r\n");
        Assert.Equal("x19 BAD Unknown command", await wire.ReadLineAsync());
        Assert.Equal("* BYE Too many invalid commands", await wire.ReadLineAsync());
        Assert.True(await wire.IsClosedAsync());
    }
}
