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
        var (mime, _, _) = MailComposer.Compose(Message(""","headers":{"X-MailStack-ID":"spoofed","X-Custom":"kept"}"""), "X-MailStack-ID", "host");

        Assert.Equal(["m-1"], mime.Headers.Where(h => h.Field == "X-MailStack-ID").Select(h => h.Value));
        Assert.Equal("kept", mime.Headers["X-Custom"]);
    }

    [Fact]
    public void A_renamed_tracking_header_is_the_only_one()
    {
        var (mime, _, _) = MailComposer.Compose(Message(""","headers":{"X-Genro-Mail-ID":"spoofed"}"""), "X-Genro-Mail-ID", "host");

        Assert.Equal(["m-1"], mime.Headers.Where(h => h.Field == "X-Genro-Mail-ID").Select(h => h.Value));
        Assert.False(mime.Headers.Contains("X-MailStack-ID"));
    }

    [Fact]
    public void Bcc_goes_to_the_envelope_only_and_the_return_path_is_the_envelope_sender()
    {
        var (mime, sender, recipients) = MailComposer.Compose(Message(""","return_path":"bounces@example.test" """), "X-MailStack-ID", "host");

        Assert.Equal(["to@example.test", "cc@example.test", "hidden@example.test"], recipients.Select(r => r.Address));
        Assert.Empty(mime.Bcc);
        Assert.Equal("bounces@example.test", sender.Address);
        Assert.Equal("app@example.test", ((MailboxAddress)mime.From.Single()).Address);
        Assert.Equal("app@example.test", MailComposer.Compose(Message(), "X-MailStack-ID", "host").Sender.Address);
    }

    [Fact]
    public void A_message_id_is_kept_when_given_and_made_up_for_the_host_otherwise()
    {
        Assert.Equal("given@example.test", MailComposer.Compose(Message(""","message_id":"<given@example.test>" """), "X", "host").Message.MessageId);
        Assert.EndsWith("@proxy.example", MailComposer.Compose(Message(), "X", "proxy.example").Message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_html_and_alternative_bodies()
    {
        Assert.Equal("plain text", MailComposer.Compose(Message(), "X", "h").Message.TextBody?.Trim());
        var html = MailComposer.Compose(Message(""","content_type":"html","body":"<p>hi</p>" """), "X", "h").Message;
        Assert.Equal("<p>hi</p>", html.HtmlBody?.Trim());
        Assert.Null(html.TextBody);
        var both = MailComposer.Compose(Message(""","html":"<b>rich</b>" """), "X", "h").Message;
        Assert.Equal("multipart/alternative", both.Body?.ContentType.MimeType);
        Assert.Equal("plain text", both.TextBody?.Trim());
        Assert.Equal("<b>rich</b>", both.HtmlBody?.Trim());
    }

    [Fact]
    public void Base64_attachments_are_attached_and_other_sources_fail_naming_the_file()
    {
        var attached = MailComposer.Compose(Message(""","attachments":[{"filename":"note{MD5:ab12}.txt","storage_path":"base64:aGVsbG8=","mime_type":"text/plain"}]"""), "X", "h").Message;
        var part = Assert.Single(attached.Attachments.OfType<MimePart>());
        Assert.Equal("note.txt", part.FileName);
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content, TestContext.Current.CancellationToken);
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(content.ToArray()));

        var remote = Assert.Throws<AttachmentException>(() => MailComposer.Compose(Message(""","attachments":[{"filename":"r.pdf","storage_path":"https://x.test/r.pdf"}]"""), "X", "h"));
        Assert.Equal("Attachment 'r.pdf': fetch mode 'HttpUrl' is not supported yet (only base64)", remote.Message);
        var broken = Assert.Throws<AttachmentException>(() => MailComposer.Compose(Message(""","attachments":[{"filename":"b.bin","storage_path":"base64:***"}]"""), "X", "h"));
        Assert.Equal("Attachment 'b.bin': storage_path is not valid base64", broken.Message);
    }
}
