using System.Text;
using MailStack.Sink.Hosting;
using static MailStack.Sink.Tests.Imap.ImapTestKit;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Imap;

/// <summary>The IMAP wire byte for byte: literals, partial fetches, pipelining, IDLE/DONE, SEARCH numbering.</summary>
public sealed class ImapWireTests
{
    private static async Task<(ImapWire Wire, string User)> LoggedInAsync(MailSink sink, string scenario, params string[] subjects)
    {
        using var api = ClientFor(sink);
        var user = api.NewAddress(scenario);
        foreach (var subject in subjects)
        {
            await SendAsync(sink, NewMessage(user, subject, body: $"Body of {subject}"));
        }

        var (wire, _) = await ImapWire.ConnectAsync(sink.Host, sink.ImapPort);
        Assert.Contains("l1 OK", await wire.CommandAsync("l1", $"LOGIN {user} pw"), StringComparison.Ordinal);
        return (wire, user);
    }

    [Fact]
    public async Task Synchronising_literals_get_a_continuation_and_literal_plus_ones_do_not()
    {
        await using var sink = await StartSinkAsync();
        var (wire, greeting) = await ImapWire.ConnectAsync(sink.Host, sink.ImapPort);
        await using var _ = wire;
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE UNSELECT NAMESPACE SASL-IR STARTTLS AUTH=PLAIN]", greeting, StringComparison.Ordinal);

        await wire.SendAsync("a1 LOGIN {16}\r\n");
        Assert.StartsWith("+ ", await wire.ReadLineAsync(), StringComparison.Ordinal);
        await wire.SendAsync("lit@example.test {3+}\r\npw!\r\n");
        Assert.StartsWith("a1 OK [CAPABILITY", await wire.ReadUntilTaggedAsync("a1"), StringComparison.Ordinal);

        var message = "Subject: appended\r\nFrom: a@example.test\r\n\r\nline one\r\n"u8.ToArray();
        await wire.SendAsync($"a2 APPEND INBOX (\\Flagged) {{{message.Length}}}\r\n");
        Assert.StartsWith("+ ", await wire.ReadLineAsync(), StringComparison.Ordinal);
        await wire.SendBytesAsync([.. message, .. "\r\n"u8]);
        Assert.Matches(@"^a2 OK \[APPENDUID \d+ 1\] APPEND completed", await wire.ReadUntilTaggedAsync("a2"));

        await wire.SendAsync($"a3 APPEND INBOX {{{message.Length}+}}\r\n");
        await wire.SendBytesAsync([.. message, .. "\r\n"u8]);
        Assert.Matches(@"^a3 OK \[APPENDUID \d+ 2\]", await wire.ReadUntilTaggedAsync("a3"));

        await wire.CommandAsync("a4", "SELECT INBOX");
        var fetched = await wire.CommandAsync("a5", "FETCH 1:* (FLAGS RFC822.SIZE)");
        Assert.Contains($"* 1 FETCH (FLAGS (\\Flagged) RFC822.SIZE {message.Length})", fetched, StringComparison.Ordinal);
        Assert.Contains($"* 2 FETCH (FLAGS () RFC822.SIZE {message.Length})", fetched, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partial_fetches_echo_the_origin_and_answer_exactly_the_bytes_there_are()
    {
        await using var sink = await StartSinkAsync();
        var (wire, user) = await LoggedInAsync(sink, "partial", "partial fetch");
        await using var _ = wire;
        using var api = ClientFor(sink);
        var raw = Encoding.Latin1.GetString(await api.GetRawAsync((await api.SearchAsync(MailSinkClient.To(user), cancellationToken: Cancellation)).Single().ID, Cancellation));
        await wire.CommandAsync("s", "EXAMINE INBOX");

        Assert.StartsWith($"* 1 FETCH (BODY[]<0> {{10}}\r\n{raw[..10]})", await wire.CommandAsync("f1", "FETCH 1 (BODY.PEEK[]<0.10>)"), StringComparison.Ordinal);
        Assert.StartsWith($"* 1 FETCH (BODY[]<{raw.Length - 4}> {{4}}\r\n{raw[^4..]})", await wire.CommandAsync("f2", $"FETCH 1 (BODY.PEEK[]<{raw.Length - 4}.100>)"), StringComparison.Ordinal);
        Assert.StartsWith($"* 1 FETCH (BODY[]<{raw.Length + 10}> {{0}}\r\n)", await wire.CommandAsync("f3", $"FETCH 1 BODY.PEEK[]<{raw.Length + 10}.5>"), StringComparison.Ordinal);

        var header = await wire.CommandAsync("f4", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject To)])");
        Assert.StartsWith($"* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT TO)] {{", header, StringComparison.Ordinal);
        var fields = header[(header.IndexOf("}\r\n", StringComparison.Ordinal) + 3)..header.IndexOf("\r\n\r\n)", StringComparison.Ordinal)];
        Assert.Equal([$"Subject: partial fetch", $"To: {user}"], fields.Split("\r\n").Order());
        var text = await wire.CommandAsync("f5", "FETCH 1 (BODY.PEEK[TEXT] BODY.PEEK[1])");
        Assert.Contains("BODY[TEXT] {", text, StringComparison.Ordinal);
        Assert.Contains("Body of partial fetch", text, StringComparison.Ordinal);
        Assert.Contains("BODY[1] {", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_without_peek_sets_seen_and_says_so()
    {
        await using var sink = await StartSinkAsync();
        var (wire, user) = await LoggedInAsync(sink, "seen", "read me");
        await using var _ = wire;
        using var api = ClientFor(sink);
        var id = (await api.SearchAsync(MailSinkClient.To(user), cancellationToken: Cancellation)).Single().ID;
        await SetReadAsync(sink, id, false);
        await wire.CommandAsync("s", "SELECT INBOX");

        var fetched = await wire.CommandAsync("f", "FETCH 1 (BODY[TEXT])");

        Assert.Contains(" FLAGS (\\Seen))", fetched, StringComparison.Ordinal);
        Assert.True((await api.SearchAsync(MailSinkClient.To(user), cancellationToken: Cancellation)).Single().Read);
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var sink = await StartSinkAsync();
        var (wire, _) = await LoggedInAsync(sink, "pipeline", "one", "two");
        await using var __ = wire;

        await wire.SendAsync("p1 NOOP\r\np2 SELECT INBOX\r\np3 UID SEARCH ALL\r\np4 FETCH 2 (UID)\r\np5 LOGOUT\r\n");

        var p1 = await wire.ReadUntilTaggedAsync("p1");
        var p2 = await wire.ReadUntilTaggedAsync("p2");
        var p3 = await wire.ReadUntilTaggedAsync("p3");
        var p4 = await wire.ReadUntilTaggedAsync("p4");
        var p5 = await wire.ReadUntilTaggedAsync("p5");
        Assert.Equal("p1 OK NOOP completed\n", p1);
        Assert.Contains("* 2 EXISTS", p2, StringComparison.Ordinal);
        Assert.EndsWith("p2 OK [READ-WRITE] SELECT completed\n", p2, StringComparison.Ordinal);
        Assert.Equal("* SEARCH 1 2\np3 OK UID SEARCH completed\n", p3);
        Assert.Equal("* 2 FETCH (UID 2)\np4 OK FETCH completed\n", p4);
        Assert.Equal("* BYE MailStack.Sink logging out\np5 OK LOGOUT completed\n", p5);
        Assert.True(await wire.IsClosedAsync());
    }

    [Fact]
    public async Task Search_answers_sequence_numbers_and_uid_search_uids_and_n_star_includes_the_last()
    {
        await using var sink = await StartSinkAsync();
        var (wire, _) = await LoggedInAsync(sink, "numbering", "first", "second", "third");
        await using var _ = wire;
        await wire.CommandAsync("s", "SELECT INBOX");
        await wire.CommandAsync("d", "STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Contains("* 1 EXPUNGE", await wire.CommandAsync("e", "EXPUNGE"), StringComparison.Ordinal);

        Assert.StartsWith("* SEARCH 1\n", await wire.CommandAsync("q1", "SEARCH SUBJECT second"), StringComparison.Ordinal);
        Assert.StartsWith("* SEARCH 2\n", await wire.CommandAsync("q2", "UID SEARCH SUBJECT second"), StringComparison.Ordinal);
        Assert.StartsWith("* SEARCH 1 2\n", await wire.CommandAsync("q3", "SEARCH CHARSET UTF-8 OR SUBJECT second BODY third"), StringComparison.Ordinal);
        Assert.StartsWith("* SEARCH 3\n", await wire.CommandAsync("q4", "UID SEARCH NOT UID 1:2"), StringComparison.Ordinal);
        Assert.StartsWith("* 2 FETCH (UID 3)\n", await wire.CommandAsync("q5", "UID FETCH 99:* (UID)"), StringComparison.Ordinal);
        Assert.Contains("q6 NO [BADCHARSET (UTF-8 US-ASCII)]", await wire.CommandAsync("q6", "SEARCH CHARSET KOI8-R ALL"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_pushes_new_mail_and_ends_with_done()
    {
        await using var sink = await StartSinkAsync();
        var (wire, user) = await LoggedInAsync(sink, "idle-wire", "before");
        await using var _ = wire;
        await wire.CommandAsync("s", "SELECT INBOX");

        await wire.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());
        await SendAsync(sink, NewMessage(user, "during idle"));
        Assert.Equal("* 2 EXISTS", await wire.ReadLineAsync());
        await wire.SendAsync("DONE\r\n");

        Assert.Equal("i OK IDLE terminated", await wire.ReadLineAsync());
        Assert.Contains("ENVELOPE (", await wire.CommandAsync("f", "FETCH 2 ENVELOPE"), StringComparison.Ordinal);
    }
}
