using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using static MailStack.Sink.Tests.Imap.ImapTestKit;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Imap;

/// <summary>MailKit's ImapClient against the sink's IMAP side: what a mail client or a bounce reader does.</summary>
public sealed class ImapMailKitTests
{
    [Fact]
    public async Task A_login_as_an_address_sees_exactly_that_recipients_mail_bcc_included()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var alice = api.NewAddress("alice");
        var bob = api.NewAddress("bob");
        await SendAsync(sink, NewMessage(alice, "to alice"));
        var hidden = NewMessage(bob, "to bob, alice in bcc");
        hidden.Bcc.Add(MailboxAddress.Parse(alice));
        await SendAsync(sink, hidden);
        await SendAsync(sink, NewMessage(bob, "to bob only"));

        using var client = await LoginAsync(sink, alice);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        var subjects = (await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope, Cancellation)).Select(s => s.Envelope!.Subject);

        Assert.Equal(["to alice", "to bob, alice in bcc"], subjects);
        Assert.Equal(2, client.Inbox.Count);
        Assert.True(client.Inbox.UidValidity > 0);
    }

    [Fact]
    public async Task Folders_are_discovered_created_renamed_and_deleted()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        using var client = await LoginAsync(sink, api.NewAddress("folders"));
        var root = client.GetFolder(client.PersonalNamespaces[0]);

        var archive = await root.CreateAsync("Archive", isMessageFolder: true, Cancellation);
        await archive!.CreateAsync("2026", isMessageFolder: true, Cancellation);
        var names = (await root.GetSubfoldersAsync(false, Cancellation)).Select(f => f.FullName).Order().ToList();
        Assert.Equal(["Archive", "INBOX"], names);
        Assert.Equal(["Archive/2026"], (await archive.GetSubfoldersAsync(false, Cancellation)).Select(f => f.FullName));

        await archive.RenameAsync(root, "Old", Cancellation);
        var all = (await client.GetFoldersAsync(client.PersonalNamespaces[0], cancellationToken: Cancellation)).Select(f => f.FullName).Order().ToList();
        Assert.Equal(["INBOX", "Old", "Old/2026"], all);

        var old = await client.GetFolderAsync("Old/2026", Cancellation);
        await old.DeleteAsync(Cancellation);
        all = (await client.GetFoldersAsync(client.PersonalNamespaces[0], cancellationToken: Cancellation)).Select(f => f.FullName).Order().ToList();
        Assert.Equal(["INBOX", "Old"], all);
    }

    [Fact]
    public async Task Summaries_bodies_parts_and_partial_fetches_are_the_bytes_received()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("fetch");
        var message = NewMessage(to, "Report with attachment", from: "Sender Name <sender@example.test>");
        var body = new BodyBuilder { TextBody = "Plain text body\r\nsecond line", HtmlBody = "<p>HTML body</p>" };
        body.Attachments.Add("report.csv", "a,b\r\n1,2\r\n"u8.ToArray(), new ContentType("text", "csv"));
        message.Body = body.ToMessageBody();
        message.Cc.Add(MailboxAddress.Parse("copy@example.test"));
        await SendAsync(sink, message);
        var stored = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        var raw = await api.GetRawAsync(stored.ID, Cancellation);
        await SetReadAsync(sink, stored.ID, false); // reading it through the API marked it read

        using var client = await LoginAsync(sink, to);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Cancellation);
        var summary = (await client.Inbox.FetchAsync(0, -1,
            MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.BodyStructure
            | MessageSummaryItems.Size | MessageSummaryItems.InternalDate, Cancellation)).Single();

        var envelope = summary.Envelope!;
        Assert.Equal("Report with attachment", envelope.Subject);
        Assert.Equal("Sender Name", envelope.From.Mailboxes.Single().Name);
        Assert.Equal("sender@example.test", envelope.From.Mailboxes.Single().Address);
        Assert.Equal([to], envelope.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["copy@example.test"], envelope.Cc.Mailboxes.Select(m => m.Address));
        Assert.Equal(stored.MessageID, envelope.MessageId);
        Assert.Equal((uint)raw.Length, summary.Size);
        Assert.Equal(MessageFlags.None, summary.Flags);
        Assert.Equal(["report.csv"], summary.Attachments.Select(a => a.FileName));
        Assert.Equal("text/plain", summary.TextBody!.ContentType.MimeType);

        // The whole message, a part and a slice: exactly the stored bytes.
        using (var whole = await client.Inbox.GetStreamAsync(summary.UniqueId, Cancellation))
        {
            Assert.Equal(raw, ((MemoryStream)await CopyAsync(whole)).ToArray());
        }

        var attachment = (MimePart)await client.Inbox.GetBodyPartAsync(summary.UniqueId, summary.Attachments.Single(), Cancellation);
        using (var content = new MemoryStream())
        {
            await attachment.Content!.DecodeToAsync(content, Cancellation);
            Assert.Equal("a,b\r\n1,2\r\n"u8.ToArray(), content.ToArray());
        }

        using (var slice = await client.Inbox.GetStreamAsync(summary.UniqueId, 10, 25, Cancellation))
        {
            Assert.Equal(raw.AsSpan(10, 25).ToArray(), ((MemoryStream)await CopyAsync(slice)).ToArray());
        }

        using (var tail = await client.Inbox.GetStreamAsync(summary.UniqueId, raw.Length - 5, 100, Cancellation))
        {
            Assert.Equal(raw.AsSpan(raw.Length - 5).ToArray(), ((MemoryStream)await CopyAsync(tail)).ToArray());
        }

        // MailKit fetches with BODY.PEEK: all that left it unread.
        var parsed = await client.Inbox.GetMessageAsync(summary.UniqueId, Cancellation);
        Assert.Equal("Plain text body\nsecond line", parsed.TextBody!.ReplaceLineEndings("\n").TrimEnd());
        Assert.False((await api.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Single().Read);
    }

    [Fact]
    public async Task Seen_is_the_apis_read_flag_both_ways_and_other_flags_stick()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("flags");
        await SendAsync(sink, NewMessage(to, "flag me"));
        var id = (await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).ID;
        await SetReadAsync(sink, id, false);

        using var client = await LoginAsync(sink, to);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Cancellation);
        var uid = (await client.Inbox.SearchAsync(SearchQuery.All, Cancellation)).Single();
        await client.Inbox.AddFlagsAsync(uid, MessageFlags.Seen | MessageFlags.Flagged, silent: true, Cancellation);
        Assert.True((await api.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Single().Read);

        await SetReadAsync(sink, id, false);
        var flags = (await client.Inbox.FetchAsync([uid], MessageSummaryItems.Flags, Cancellation)).Single().Flags;
        Assert.Equal(MessageFlags.Flagged, flags);
        Assert.Equal([uid], await client.Inbox.SearchAsync(SearchQuery.NotSeen.And(SearchQuery.Flagged), Cancellation));
        Assert.Empty(await client.Inbox.SearchAsync(SearchQuery.Seen, Cancellation));
    }

    [Fact]
    public async Task Move_keeps_the_message_and_expunge_removes_it_from_the_api()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("move");
        await SendAsync(sink, NewMessage(to, "keep"));
        await SendAsync(sink, NewMessage(to, "drop"));
        await api.WaitForCountAsync(MailSinkClient.To(to), 2, cancellationToken: Cancellation);

        using var client = await LoginAsync(sink, to);
        var done = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Done", true, Cancellation);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Cancellation);
        var uids = await client.Inbox.SearchAsync(SearchQuery.All, Cancellation);
        var moved = await client.Inbox.MoveToAsync(uids[0], done!, Cancellation);
        Assert.NotNull(moved);
        Assert.Equal(1, client.Inbox.Count);

        await client.Inbox.AddFlagsAsync(uids[1], MessageFlags.Deleted, silent: true, Cancellation);
        await client.Inbox.ExpungeAsync(Cancellation);
        Assert.Equal(0, client.Inbox.Count);

        var left = await api.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.Equal(["keep"], left.Select(m => m.Subject));
        await done!.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        Assert.Equal("keep", (await done.GetMessageAsync(moved.Value, Cancellation)).Subject);
    }

    [Fact]
    public async Task A_message_deleted_through_the_api_is_expunged_from_a_selected_session()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("api-delete");
        await SendAsync(sink, NewMessage(to, "one"));
        await SendAsync(sink, NewMessage(to, "two"));
        var messages = await api.WaitForCountAsync(MailSinkClient.To(to), 2, cancellationToken: Cancellation);

        using var client = await LoginAsync(sink, to);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        var expunged = new List<int>();
        client.Inbox.MessageExpunged += (_, e) => expunged.Add(e.Index);
        await DeleteMessagesAsync(sink, messages.Single(m => m.Subject == "one").ID);
        await client.NoOpAsync(Cancellation);

        Assert.Equal([0], expunged);
        Assert.Equal(1, client.Inbox.Count);
        Assert.Equal("two", (await client.Inbox.GetMessageAsync(0, Cancellation)).Subject);
    }

    [Fact]
    public async Task Idle_is_woken_by_mail_arriving_over_smtp()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("idle");
        using var client = await LoginAsync(sink, to);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Inbox.CountChanged += (_, _) => arrived.TrySetResult(client.Inbox.Count);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var idle = client.IdleAsync(done.Token, Cancellation);

        await SendAsync(sink, NewMessage(to, "wake up"));

        Assert.Equal(1, await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancellation));
        await done.CancelAsync();
        await idle;
        Assert.Equal("wake up", (await client.Inbox.GetMessageAsync(0, Cancellation)).Subject);
    }

    [Fact]
    public async Task An_appended_message_is_in_the_folder_the_api_its_search_and_events()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("append");
        var report = NewMessage(to, "Delivery Status Notification (Failure)", "bounce body", from: "mailer-daemon@example.test");
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            // What MailKit sends: CRLF line endings.
            await report.WriteToAsync(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, buffer, Cancellation);
            bytes = buffer.ToArray();
        }

        using var client = await LoginAsync(sink, to);
        var uid = await client.Inbox.AppendAsync(report, MessageFlags.Seen, Cancellation);

        Assert.NotNull(uid);
        var found = (await api.SearchAsync("subject:\"Delivery Status Notification\" " + MailSinkClient.To(to), cancellationToken: Cancellation)).Single();
        Assert.True(found.Read);
        Assert.Equal(bytes, await api.GetRawAsync(found.ID, Cancellation));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        Assert.Equal(uid, (await client.Inbox.SearchAsync(SearchQuery.All, Cancellation)).Single());
    }

    [Fact]
    public async Task The_catch_all_user_sees_every_message_and_configured_users_need_their_password()
    {
        await using var sink = await StartSinkAsync(o =>
        {
            o.Imap.CatchAllUser = "all@mailstack.test";
            o.Imap.Users["all@mailstack.test"] = "secret";
            o.Imap.Users["carol@example.test"] = "carol-pw";
        });
        using var api = ClientFor(sink);
        await SendAsync(sink, NewMessage("carol@example.test", "for carol"));
        await SendAsync(sink, NewMessage("dave@example.test", "for dave"));

        using var all = await LoginAsync(sink, "all@mailstack.test", "secret");
        await all.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        Assert.Equal(2, all.Inbox.Count);

        using var wrong = await ConnectImapAsync(sink);
        await Assert.ThrowsAsync<AuthenticationException>(() => wrong.AuthenticateAsync("carol@example.test", "nope", Cancellation));
        await Assert.ThrowsAsync<AuthenticationException>(() => wrong.AuthenticateAsync("dave@example.test", "anything", Cancellation));
        await wrong.AuthenticateAsync("carol@example.test", "carol-pw", Cancellation);
        await wrong.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        Assert.Equal(1, wrong.Inbox.Count);
    }

    [Theory]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task Tls_by_starttls_and_on_the_imaps_port(SecureSocketOptions security)
    {
        await using var sink = await StartSinkAsync(o =>
        {
            o.Imap.TlsPort = 0;
            o.Imap.RequireTls = true;
        });
        using var api = ClientFor(sink);
        var to = api.NewAddress("tls");
        await SendAsync(sink, NewMessage(to, "over tls"));
        var port = security == SecureSocketOptions.SslOnConnect ? sink.ImapsEndPoint!.Port : sink.ImapPort;

        using var client = await LoginAsync(sink, to, security: security, port: port);

        Assert.True(client.IsSecure);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        Assert.Equal("over tls", (await client.Inbox.GetMessageAsync(0, Cancellation)).Subject);
    }

    [Fact]
    public async Task Login_is_disabled_before_tls_when_tls_is_required()
    {
        await using var sink = await StartSinkAsync(o => o.Imap.RequireTls = true);
        using var client = await ConnectImapAsync(sink, SecureSocketOptions.None);

        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.LoginDisabled));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.StartTLS));
        await Assert.ThrowsAnyAsync<Exception>(() => client.AuthenticateAsync("x@example.test", "pw", Cancellation));
    }

    private static async Task<Stream> CopyAsync(Stream stream)
    {
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Cancellation);
        return copy;
    }
}
