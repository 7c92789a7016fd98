using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Imap;

/// <summary>Python's imaplib (stdlib) as a second, independent IMAP client: STARTTLS, read, flag, copy, expunge, append.</summary>
public sealed class ImapPythonClientTests
{
    [Fact]
    public async Task Imaplib_reads_flags_copies_expunges_and_appends()
    {
        await using var sink = await StartSinkAsync(o => o.Imap.Users["py@example.test"] = "thon");
        using var api = ClientFor(sink);
        await SendAsync(sink, NewMessage("py@example.test", "for imaplib", "Sent to Python"));
        await SendAsync(sink, NewMessage("py@example.test", "second"));
        var first = (await api.SearchAsync("subject:\"for imaplib\"", cancellationToken: Cancellation)).Single();

        var (exitCode, output) = await PythonClientTests.RunPythonAsync(["imaplib_client.py", sink.Host, sink.ImapPort.ToString(), "py@example.test", "thon"]);

        Assert.True(exitCode == 0, output);
        using var seen = JsonDocument.Parse(output);
        var root = seen.RootElement;
        Assert.Contains("AUTH=PLAIN", root.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("(\\HasNoChildren) \"/\" \"INBOX\"", root.GetProperty("folders").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(2, root.GetProperty("exists").GetInt32());
        Assert.Equal("1 2", root.GetProperty("unseen").GetString());
        Assert.Equal("for imaplib", root.GetProperty("subject").GetString());
        Assert.Equal("Sent to Python", root.GetProperty("body").GetString());
        Assert.Equal("1 (FLAGS (\\Seen))", root.GetProperty("flags_after_read").GetString());
        Assert.Equal(["1"], root.GetProperty("expunged").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("OK", root.GetProperty("append").GetString());
        Assert.Equal("\"Archive\" (MESSAGES 2 UNSEEN 0)", root.GetProperty("archive_status").GetString());
        Assert.Equal("2", root.GetProperty("uid_search").GetString());

        // Expunged from INBOX but kept in Archive: still in the API; the appended one is there too.
        Assert.Equal(first.ID, (await api.SearchAsync("subject:\"for imaplib\"", cancellationToken: Cancellation)).Single().ID);
        Assert.Single(await api.SearchAsync("subject:\"appended by imaplib\"", cancellationToken: Cancellation));
    }
}
