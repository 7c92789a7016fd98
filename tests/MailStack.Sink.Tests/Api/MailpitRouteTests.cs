using System.Text;
using MailStack.Sink.Hosting;
using MimeKit;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary>
/// The audited Mailpit v1 routes answer as Mailpit's handlers (server/apiv1): status codes,
/// content types and bodies, errors included.
/// </summary>
public sealed class MailpitRouteTests : SinkApiTest
{
    [Theory]
    [InlineData("GET", "api/v1/search")]
    [InlineData("GET", "api/v1/search?query=%20%20")]
    [InlineData("DELETE", "api/v1/search")]
    public async Task A_search_without_a_query_is_400_no_search_query(string method, string url)
    {
        var answer = await SendAsync(Http, new HttpMethod(method), url);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("text/plain", answer.ContentType);
        Assert.Equal("Error: no search query", answer.Text);
    }

    [Fact]
    public async Task Changes_answer_text_plain_ok()
    {
        await SendAsync(Sink, NewMessage("one@example.test", "one"));
        await SendAsync(Sink, NewMessage("two@example.test", "two"));
        var ids = Sink.Store.Snapshot().Select(m => m.Id).ToList();

        var read = await SendAsync(Http, HttpMethod.Put, "api/v1/messages", $$"""{"IDs":["{{ids[0]}}"],"Read":true}""");
        AssertOk(read);
        Assert.True(Sink.Store.Find(ids[0])!.Read);
        Assert.False(Sink.Store.Find(ids[1])!.Read);

        AssertOk(await SendAsync(Http, HttpMethod.Delete, "api/v1/search?query=subject:one"));
        Assert.Equal([ids[0]], Sink.Store.Snapshot().Select(m => m.Id));

        AssertOk(await SendAsync(Http, HttpMethod.Delete, "api/v1/messages", """{"IDs":["not-there"]}"""));
        AssertOk(await SendAsync(Http, HttpMethod.Delete, "api/v1/messages"));
        Assert.Equal(0, Sink.Store.Count);
    }

    [Fact]
    public async Task Read_status_by_search_and_for_all_and_never_both_ways()
    {
        await SendAsync(Sink, NewMessage("a@example.test", "alpha"));
        await SendAsync(Sink, NewMessage("b@example.test", "beta"));

        AssertOk(await SendAsync(Http, HttpMethod.Put, "api/v1/messages", """{"Search":"subject:alpha","Read":true}"""));
        Assert.Equal(["alpha"], Sink.Store.Snapshot().Where(m => m.Read).Select(m => m.Summary.Subject));

        AssertOk(await SendAsync(Http, HttpMethod.Put, "api/v1/messages", """{"Read":true}"""));
        Assert.All(Sink.Store.Snapshot(), m => Assert.True(m.Read));

        var both = await SendAsync(Http, HttpMethod.Put, "api/v1/messages", """{"IDs":["x"],"Search":"alpha","Read":false}""");
        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        Assert.Equal("text/plain", both.ContentType);
        Assert.Equal("You may specify either IDs or a search query, not both", both.Text);
    }

    [Theory]
    [InlineData("api/v1/message/nope")]
    [InlineData("api/v1/message/nope/headers")]
    [InlineData("api/v1/message/nope/raw")]
    [InlineData("api/v1/message/nope/part/1")]
    [InlineData("api/v1/no-such-route")]
    public async Task Unknown_ids_and_routes_are_404_page_not_found(string url)
    {
        var answer = await GetAsync(Http, url);
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("text/plain", answer.ContentType);
        Assert.Equal("404 page not found", answer.Text);
    }

    [Theory]
    [InlineData("api/v1/message/latest")]
    [InlineData("api/v1/message/latest/headers")]
    [InlineData("api/v1/message/latest/raw")]
    [InlineData("api/v1/message/latest?query=subject:nothing-like-this")]
    public async Task Latest_with_nothing_to_show_is_404_message_not_found(string url)
    {
        if (url.Contains("query", StringComparison.Ordinal))
        {
            await SendAsync(Sink, NewMessage("a@example.test", "something"));
        }

        var answer = await GetAsync(Http, url);
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("text/plain", answer.MediaType);
        Assert.Equal("Message not found", answer.Text);
    }

    [Fact]
    public async Task Latest_works_on_headers_raw_and_parts_too()
    {
        await SendAsync(Sink, NewMessage("a@example.test", "older"));
        await SendAsync(Sink, NewMessage("b@example.test", "newer"));
        var newest = Sink.Store.Snapshot()[0];

        Assert.Equal("""["newer"]""", (await GetAsync(Http, "api/v1/message/latest/headers")).Json["Subject"]!.ToJsonString());
        Assert.Equal(newest.Raw, (await GetAsync(Http, "api/v1/message/latest/raw")).Bytes);
        Assert.Equal("older", (await GetAsync(Http, "api/v1/message/latest?query=to:a@example.test")).Json["Subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task Headers_are_gos_canonical_names_sorted_with_raw_unfolded_values()
    {
        var raw = "From: a@example.test\r\nTo: b@example.test\r\nSubject: =?UTF-8?B?w6ljaG8=?=\r\n"
            + "X-custom-HEADER: first\r\nx-custom-header: second,\r\n\tfolded\r\nMessage-ID: <m1@example.test>\r\n\r\nbody\r\n";
        await SendRawAsync(raw);

        var headers = (await GetAsync(Http, "api/v1/message/latest/headers")).Json.AsObject();
        Assert.Equal(["From", "Message-Id", "Return-Path", "Subject", "To", "X-Custom-Header"], headers.Select(h => h.Key));
        Assert.Equal(["first", "second, folded"], Values(headers["X-Custom-Header"]!));
        Assert.Equal(["=?UTF-8?B?w6ljaG8=?="], Values(headers["Subject"]!));
        Assert.Equal(["<m1@example.test>"], Values(headers["Message-Id"]!));
    }

    [Fact]
    public async Task Raw_is_text_plain_and_dl_1_makes_it_a_download()
    {
        await SendAsync(Sink, NewMessage("a@example.test", "raw"));
        var id = Sink.Store.Snapshot()[0].Id;

        var inline = await GetAsync(Http, $"api/v1/message/{id}/raw");
        Assert.Equal(HttpStatusCode.OK, inline.Status);
        Assert.Equal("text/plain; charset=utf-8", inline.ContentType);
        Assert.Null(inline.ContentDisposition);
        Assert.Equal(Sink.Store.Find(id)!.Raw, inline.Bytes);

        var download = await GetAsync(Http, $"api/v1/message/{id}/raw?dl=1");
        Assert.Equal($"attachment; filename=\"{id}.eml\"", download.ContentDisposition);
    }

    [Fact]
    public async Task Parts_download_inline_with_their_content_type_and_escaped_file_name()
    {
        var builder = new BodyBuilder { TextBody = "see attached", HtmlBody = "<img src=\"cid:logo@x\">" };
        builder.Attachments.Add("quarterly report.pdf", "%PDF-1.4 fake"u8.ToArray(), new ContentType("application", "pdf"));
        var logo = builder.LinkedResources.Add("logo.png", [0x89, 0x50, 0x4E, 0x47], new ContentType("image", "png"));
        logo.ContentId = "logo@x";
        logo.ContentDisposition = null;
        logo.ContentType.Name = null;
        var message = NewMessage("a@example.test", "parts");
        message.Body = builder.ToMessageBody();
        await SendAsync(Sink, message);

        var detail = (await GetAsync(Http, "api/v1/message/latest")).Json;
        var attachment = detail["Attachments"]![0]!;
        var pdf = await GetAsync(Http, $"api/v1/message/latest/part/{attachment["PartID"]}");
        Assert.Equal("application/pdf", pdf.ContentType);
        Assert.Equal("inline; filename=\"quarterly%20report.pdf\"", pdf.ContentDisposition);
        Assert.Equal("%PDF-1.4 fake"u8.ToArray(), pdf.Bytes);

        // A part without a file name is named by its Content-ID, in the list and the download.
        var inline = detail["Inline"]![0]!;
        Assert.Equal("logo@x", inline["FileName"]!.GetValue<string>());
        var image = await GetAsync(Http, $"api/v1/message/latest/part/{inline["PartID"]}");
        Assert.Equal("image/png", image.ContentType);
        Assert.Equal("inline; filename=\"logo%40x\"", image.ContentDisposition);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Http, "api/v1/message/latest/part/9.9")).Status);
    }

    [Fact]
    public async Task Paging_parameters_are_read_as_mailpit_reads_them()
    {
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(Sink, NewMessage("p@example.test", $"page {i}"));
        }

        // Unparseable or negative values fall back to the defaults instead of failing.
        var lenient = (await GetAsync(Http, "api/v1/messages?start=-1&limit=abc")).Json;
        Assert.Equal(0, lenient["start"]!.GetValue<int>());
        Assert.Equal(3, lenient["count"]!.GetValue<int>());

        var page = (await GetAsync(Http, "api/v1/messages?start=1&limit=1")).Json;
        Assert.Equal(["page 1"], page["messages"]!.AsArray().Select(m => m!["Subject"]!.GetValue<string>()));
        Assert.Equal(3, page["messages_count"]!.GetValue<int>());

        // limit=0: the list shows everything, a search shows nothing (Mailpit's storage does exactly that).
        Assert.Equal(3, (await GetAsync(Http, "api/v1/messages?limit=0")).Json["count"]!.GetValue<int>());
        var search = (await GetAsync(Http, "api/v1/search?query=page&limit=0")).Json;
        Assert.Equal(0, search["count"]!.GetValue<int>());
        Assert.Equal(3, search["messages_count"]!.GetValue<int>());

        var before = (await GetAsync(Http, $"api/v1/messages?before={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))}")).Json;
        Assert.Equal(0, before["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_unsubscribe_is_summarised_with_its_links_and_errors()
    {
        var message = NewMessage("a@example.test", "newsletter");
        message.Headers.Add("List-Unsubscribe", "<mailto:leave@example.test>, <https://example.test/leave?u=1>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        await SendAsync(Sink, message);
        var bad = NewMessage("a@example.test", "bad newsletter");
        bad.Headers.Add("List-Unsubscribe", "<ftp://example.test/leave>");
        await SendAsync(Sink, bad);

        var good = (await GetAsync(Http, "api/v1/message/latest?query=subject:\"newsletter\" -subject:bad")).Json["ListUnsubscribe"]!;
        Assert.Equal(["Header", "Links", "Errors", "HeaderPost"], good.AsObject().Select(p => p.Key));
        Assert.Equal("<mailto:leave@example.test>, <https://example.test/leave?u=1>", good["Header"]!.GetValue<string>());
        Assert.Equal(["mailto:leave@example.test", "https://example.test/leave?u=1"], Values(good["Links"]!));
        Assert.Equal("", good["Errors"]!.GetValue<string>());
        Assert.Equal("List-Unsubscribe=One-Click", good["HeaderPost"]!.GetValue<string>());
        var wrong = (await GetAsync(Http, "api/v1/message/latest?query=subject:bad")).Json["ListUnsubscribe"]!;
        Assert.Equal("\"ftp://example.test/leave\" should start with either http(s):// or mailto:", wrong["Errors"]!.GetValue<string>());
        Assert.Equal("[]", wrong["Links"]!.ToJsonString());

        var none = NewMessage("a@example.test", "plain");
        await SendAsync(Sink, none);
        Assert.Equal("""{"Header":"","Links":[],"Errors":"","HeaderPost":""}""", (await GetAsync(Http, "api/v1/message/latest?query=subject:plain")).Json["ListUnsubscribe"]!.ToJsonString());
    }

    private async Task SendRawAsync(string raw)
    {
        using var client = await ConnectAsync(Sink);
        using var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(raw)));
        await client.SendAsync(message, Cancellation);
        await client.DisconnectAsync(true, Cancellation);
    }

    private static List<string> Values(System.Text.Json.Nodes.JsonNode array) => array.AsArray().Select(v => v!.GetValue<string>()).ToList();

    private static void AssertOk(HttpAnswer answer)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("text/plain", answer.ContentType);
        Assert.Equal("ok", answer.Text);
    }
}
