using MailStack.Proxy.Attachments;
using MailStack.Proxy.Bounces.Parsing;
using MailStack.Proxy.Dispatch;
using MimeKit;

namespace MailStack.Proxy.UnitTests.Dispatch;

public sealed class MailComposerTests
{
    private static OutgoingMessage Parse(string json) =>
        MessageParser.Parse(JsonDocument.Parse(json).RootElement, MailStack.Proxy.Model.MessagePriority.Medium).Message ?? throw new InvalidOperationException("invalid test item");

    private static OutgoingMessage Message(string extra = "") => Parse($$"""
        {"id":"m-1","tenant_id":"t","account_id":"a","from":"App <app@example.test>","to":["to@example.test"],"cc":"cc@example.test",
         "bcc":["hidden@example.test"],"subject":"Hello","body":"plain text"{{extra}}}
        """);

    [Fact]
    public void The_tracking_header_carries_the_id_and_a_client_header_of_that_name_never_replaces_it()
    {
        var (mime, _, _) = MailComposer.Compose(Message(""","headers":{"X-MailStack-ID":"spoofed","X-Custom":"kept"}"""), PreparedAttachments.None, "X-MailStack-ID", "host");

        Assert.Equal(["m-1"], mime.Headers.Where(h => h.Field == "X-MailStack-ID").Select(h => h.Value));
        Assert.Equal("kept", mime.Headers["X-Custom"]);
    }

    [Fact]
    public void A_renamed_tracking_header_is_the_only_one()
    {
        var (mime, _, _) = MailComposer.Compose(Message(""","headers":{"X-Genro-Mail-ID":"spoofed"}"""), PreparedAttachments.None, "X-Genro-Mail-ID", "host");

        Assert.Equal(["m-1"], mime.Headers.Where(h => h.Field == "X-Genro-Mail-ID").Select(h => h.Value));
        Assert.False(mime.Headers.Contains("X-MailStack-ID"));
    }

    [Fact]
    public void Bcc_goes_to_the_envelope_only_and_the_return_path_is_the_envelope_sender()
    {
        var (mime, sender, recipients) = MailComposer.Compose(Message(""","return_path":"bounces@example.test" """), PreparedAttachments.None, "X-MailStack-ID", "host");

        Assert.Equal(["to@example.test", "cc@example.test", "hidden@example.test"], recipients.Select(r => r.Address));
        Assert.Empty(mime.Bcc);
        Assert.Equal("bounces@example.test", sender.Address);
        Assert.Equal("app@example.test", ((MailboxAddress)mime.From.Single()).Address);
        Assert.Equal("app@example.test", MailComposer.Compose(Message(), PreparedAttachments.None, "X-MailStack-ID", "host").Sender.Address);
    }

    [Fact]
    public void A_message_id_is_kept_when_given_and_made_up_for_the_host_otherwise()
    {
        Assert.Equal("given@example.test", MailComposer.Compose(Message(""","message_id":"<given@example.test>" """), PreparedAttachments.None, "X", "host").Message.MessageId);
        Assert.EndsWith("@proxy.example", MailComposer.Compose(Message(), PreparedAttachments.None, "X", "proxy.example").Message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public void A_made_up_message_id_names_the_tenant_and_message_a_given_one_is_kept_as_is()
    {
        var madeUp = MailComposer.Compose(Message(), PreparedAttachments.None, "X", "proxy.example").Message.MessageId;
        var given = MailComposer.Compose(Message(""","message_id":"<given@example.test>" """), PreparedAttachments.None, "X", "proxy.example").Message.MessageId;

        Assert.True(BounceMessageId.TryParse(madeUp, out var key));
        Assert.Equal(new BouncedMessageKey("t", "m-1"), key);
        Assert.False(BounceMessageId.TryParse(given, out _));
    }

    [Fact]
    public void Plain_html_and_alternative_bodies()
    {
        Assert.Equal("plain text", MailComposer.Compose(Message(), PreparedAttachments.None, "X", "h").Message.TextBody?.Trim());
        var html = MailComposer.Compose(Message(""","content_type":"html","body":"<p>hi</p>" """), PreparedAttachments.None, "X", "h").Message;
        Assert.Equal("<p>hi</p>", html.HtmlBody?.Trim());
        Assert.Null(html.TextBody);
        var both = MailComposer.Compose(Message(""","html":"<b>rich</b>" """), PreparedAttachments.None, "X", "h").Message;
        Assert.Equal("multipart/alternative", both.Body?.ContentType.MimeType);
        Assert.Equal("plain text", both.TextBody?.Trim());
        Assert.Equal("<b>rich</b>", both.HtmlBody?.Trim());
    }

    [Fact]
    public async Task Inline_attachments_are_parts_over_their_content_and_links_become_a_footer_on_both_bodies()
    {
        var message = Message(""","html":"<p>rich</p>","attachments":[{"filename":"note{MD5:ab12}.txt","storage_path":"base64:aGVsbG8=","mime_type":"text/plain"}]""");
        await using var content = new AttachmentContent(new MemoryStream("hello"u8.ToArray()), 5, "5d41402abc4b2a76b9719d911017c592", fromCache: false);
        var link = new DownloadLink("big.bin", 2 * 1024 * 1024, new Uri("http://s3.test/b/big.bin?sig=1&x=2"), 7);
        var prepared = new PreparedAttachments([new FetchedAttachment(message.Attachments[0], content)], [link], []);

        var mail = MailComposer.Compose(message, prepared, "X", "h").Message;

        var part = Assert.Single(mail.Attachments.OfType<MimePart>());
        Assert.Equal(("note.txt", "text/plain", ContentEncoding.Base64), (part.FileName, part.ContentType.MimeType, part.ContentTransferEncoding));
        using var decoded = new MemoryStream();
        part.Content!.DecodeTo(decoded, TestContext.Current.CancellationToken);
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(decoded.ToArray()));
        Assert.Equal(DownloadFooter.AppendToText("plain text", [link]), mail.TextBody);
        Assert.Equal(DownloadFooter.AppendToHtml("<p>rich</p>", [link]), mail.HtmlBody);
    }
}
