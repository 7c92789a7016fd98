using MailStack.Sink.Hosting;
using MimeKit;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary>Mailpit's <c>/view/{ID}.html</c> and <c>/view/{ID}.txt</c>.</summary>
public sealed class ViewApiTests : SinkApiTest
{
    [Fact]
    public async Task Html_view_renders_the_html_part_with_inline_images_linked_to_the_part_api()
    {
        var builder = new BodyBuilder { TextBody = "text version", HtmlBody = "<p><a href=\"https://example.test/\">go</a><img src=\"cid:pic@x\"><img src='CID:pic@x'></p>" };
        var picture = builder.LinkedResources.Add("pic.png", [0x89, 0x50, 0x4E, 0x47], new ContentType("image", "png"));
        picture.ContentId = "pic@x";
        var message = NewMessage("view@example.test", "viewable");
        message.Body = builder.ToMessageBody();
        await SendAsync(Sink, message);
        var stored = Sink.Store.Snapshot()[0];
        var partId = (await GetAsync(Http, $"api/v1/message/{stored.Id}")).Json["Inline"]![0]!["PartID"]!.GetValue<string>();
        stored.Read = false;

        var html = await GetAsync(Http, $"view/{stored.Id}.html");
        Assert.Equal(HttpStatusCode.OK, html.Status);
        Assert.Equal("text/html; charset=utf-8", html.ContentType);
        var part = $"/api/v1/message/{stored.Id}/part/{partId}";
        Assert.Equal($"<p><a href=\"https://example.test/\">go</a><img src=\"{part}\"><img src='{part}'></p>", html.Text.TrimEnd());
        Assert.True(stored.Read);

        var embedded = await GetAsync(Http, $"view/{stored.Id}.html?embed=1");
        Assert.Contains("<a target=\"_blank\" rel=\"noreferrer noopener\" href=\"https://example.test/\">", embedded.Text, StringComparison.Ordinal);

        var text = await GetAsync(Http, "view/latest.txt");
        Assert.Equal("text/plain; charset=utf-8", text.ContentType);
        Assert.Equal("text version", text.Text.TrimEnd());
    }

    [Fact]
    public async Task Views_say_what_is_missing_with_a_404()
    {
        await SendAsync(Sink, NewMessage("plain@example.test", "text only"));
        var id = Sink.Store.Snapshot()[0].Id;

        var noHtml = await GetAsync(Http, $"view/{id}.html");
        Assert.Equal(HttpStatusCode.NotFound, noHtml.Status);
        Assert.Equal("This message does not contain a HTML part", noHtml.Text);

        foreach (var url in new[] { "view/nope.html", "view/nope.txt", "view/latest.txt?query=subject:absent" })
        {
            var missing = await GetAsync(Http, url);
            Assert.Equal(HttpStatusCode.NotFound, missing.Status);
            Assert.Equal("text/plain", missing.MediaType);
            Assert.Equal("Message not found", missing.Text);
        }

        Assert.Equal("Hello from the test", (await GetAsync(Http, "view/latest.txt?query=subject:\"text only\"")).Text.TrimEnd());
    }
}
