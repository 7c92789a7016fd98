using System.Text;
using System.Text.Json.Nodes;
using MailKit.Net.Smtp;
using MailStack.Sink.Hosting;
using MimeKit;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api.MailHog;

/// <summary>
/// MailHog's API (MailHog-Server api/v2.go and v1.go, shapes from mailhog/data message.go), field by
/// field, for suites written against MailHog.
/// </summary>
public sealed class MailHogApiTests : SinkApiTest
{
    private const string Boundary = "b0undary";

    private static readonly string MultipartData =
        "From: Sender Name <sender@example.test>\r\n"
        + "To: rcpt@example.test\r\n"
        + "Subject: MailHog shape\r\n"
        + "X-Folded: first\r\n second\r\n"
        + "X-Twice: one\r\nX-Twice: two\r\n"
        + "Message-ID: <shape-1@example.test>\r\n"
        + "MIME-Version: 1.0\r\n"
        + $"Content-Type: multipart/mixed; boundary=\"{Boundary}\"\r\n"
        + "\r\n"
        + $"--{Boundary}\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "\r\n"
        + "Hello MailHog\r\n"
        + $"--{Boundary}\r\n"
        + "Content-Type: application/octet-stream\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"blob.bin\"\r\n"
        + "\r\n"
        + "AAEC+vv8\r\n"
        + $"--{Boundary}--\r\n";

    [Fact]
    public async Task V2_messages_have_mailhogs_item_shape_field_by_field()
    {
        await SendDataAsync("helo.client.test", "bounce+x@example.test", ["rcpt@example.test", "hidden@example.test"], MultipartData);
        var stored = Sink.Store.Snapshot()[0];
        var data = Encoding.UTF8.GetString(stored.Raw);

        var answer = await GetAsync(Http, "api/v2/messages");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("text/json", answer.ContentType);
        var list = answer.Json.AsObject();
        Assert.Equal(["total", "count", "start", "items"], list.Select(p => p.Key));
        Assert.Equal((1, 1, 0), (list["total"]!.GetValue<int>(), list["count"]!.GetValue<int>(), list["start"]!.GetValue<int>()));

        var item = list["items"]![0]!.AsObject();
        Assert.Equal(["ID", "From", "To", "Content", "Created", "MIME", "Raw"], item.Select(p => p.Key));
        Assert.Equal(stored.Id, item["ID"]!.GetValue<string>());
        AssertJson("""{"Relays":null,"Mailbox":"bounce+x","Domain":"example.test","Params":""}""", item["From"]!);
        AssertJson(
            """[{"Relays":null,"Mailbox":"rcpt","Domain":"example.test","Params":""},{"Relays":null,"Mailbox":"hidden","Domain":"example.test","Params":""}]""",
            item["To"]!);
        Assert.Equal(stored.Received, DateTimeOffset.Parse(item["Created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        var raw = item["Raw"]!.AsObject();
        Assert.Equal(["From", "To", "Data", "Helo"], raw.Select(p => p.Key));
        Assert.Equal("bounce+x@example.test", raw["From"]!.GetValue<string>());
        Assert.Equal(["rcpt@example.test", "hidden@example.test"], raw["To"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(data, raw["Data"]!.GetValue<string>());
        Assert.Equal("helo.client.test", raw["Helo"]!.GetValue<string>());

        var content = item["Content"]!.AsObject();
        Assert.Equal(["Headers", "Body", "Size", "MIME"], content.Select(p => p.Key));
        Assert.Equal(data.Length, content["Size"]!.GetValue<int>());
        Assert.Equal(data[(data.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..], content["Body"]!.GetValue<string>());
        Assert.Null(content["MIME"]);
        var headers = content["Headers"]!.AsObject();
        Assert.Equal(["MailHog shape"], Values(headers["Subject"]!));
        Assert.Equal(["Sender Name <sender@example.test>"], Values(headers["From"]!));
        Assert.Equal(["first second"], Values(headers["X-Folded"]!)); // continuation appended as it is (its leading space kept)
        Assert.Equal(["two"], Values(headers["X-Twice"]!));            // MailHog keeps the last of a repeated header
        Assert.Equal(["<shape-1@example.test>"], Values(headers["Message-ID"]!));
        Assert.Equal(["<bounce+x@example.test>"], Values(headers["Return-Path"]!));
        Assert.Equal(["hidden@example.test"], Values(headers["Bcc"]!));
        var received = Assert.Single(Values(headers["Received"]!));
        Assert.StartsWith($"from helo.client.test by {new SmtpOptions().HostName} (MailStack.Sink)\r\n          id {stored.Id}; ", received, StringComparison.Ordinal);

        // MIME: the body split at the boundary, preamble-less; the closing "--" is a part of its own, as MailHog shows it.
        var parts = item["MIME"]!["Parts"]!.AsArray();
        Assert.Equal(3, parts.Count);
        var text = parts[0]!.AsObject();
        Assert.Equal(["Headers", "Body", "Size", "MIME"], text.Select(p => p.Key));
        AssertJson("""{"Content-Type":["text/plain; charset=utf-8"]}""", text["Headers"]!);
        Assert.Equal("Hello MailHog", text["Body"]!.GetValue<string>());
        Assert.Null(text["MIME"]);
        Assert.Equal("AAEC+vv8", parts[1]!["Body"]!.GetValue<string>());
        Assert.Equal("--", parts[2]!["Body"]!.GetValue<string>());
    }

    [Fact]
    public async Task V2_paging_is_newest_first_with_mailhogs_start_and_limit()
    {
        for (var i = 0; i < 4; i++)
        {
            await SendAsync(Sink, NewMessage($"r{i}@example.test", $"number {i}"));
        }

        var page = (await GetAsync(Http, "api/v2/messages?start=1&limit=2")).Json;
        Assert.Equal((4, 2, 1), (page["total"]!.GetValue<int>(), page["count"]!.GetValue<int>(), page["start"]!.GetValue<int>()));
        Assert.Equal(["number 2", "number 1"], Subjects(page));

        // Non-positive or unparseable values fall back to start 0, limit 50.
        var lenient = (await GetAsync(Http, "api/v2/messages?start=-3&limit=0")).Json;
        Assert.Equal(["number 3", "number 2", "number 1", "number 0"], Subjects(lenient));
        Assert.Equal(0, lenient["start"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("from", "alice@", "from alice")]
    [InlineData("from", "ALICE SENDER", "from alice")]
    [InlineData("to", "bob@example", "to bob")]
    [InlineData("to", "envelope-only@", "to bob")]
    [InlineData("containing", "needle-in-body", "from alice")]
    [InlineData("containing", "x-marker-value", "to bob")]
    public async Task V2_search_matches_as_mailhogs_in_memory_storage(string kind, string query, string expected)
    {
        await SendAsync(Sink, NewMessage("carol@example.test", "from alice", body: "a needle-in-body here", from: "Alice Sender <alice@example.test>"));
        var toBob = NewMessage("Bob <bob@example.test>", "to bob");
        toBob.Headers.Add("X-Marker", "x-marker-value");
        using (var client = await ConnectAsync(Sink))
        {
            await client.SendAsync(toBob, MailboxAddress.Parse("other@example.test"), [MailboxAddress.Parse("envelope-only@example.test")], Cancellation);
            await client.DisconnectAsync(true, Cancellation);
        }

        var answer = await GetAsync(Http, $"api/v2/search?kind={kind}&query={Uri.EscapeDataString(query)}");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal([expected], Subjects(answer.Json));
        Assert.Equal(1, answer.Json["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("api/v2/search?kind=subject&query=x")]
    [InlineData("api/v2/search?kind=to&query=")]
    [InlineData("api/v2/search?query=x")]
    public async Task V2_search_with_a_bad_kind_or_no_query_is_a_bare_400(string url)
    {
        var answer = await GetAsync(Http, url);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Empty(answer.Bytes);
    }

    [Fact]
    public async Task V1_message_routes_serve_one_message_its_download_its_parts_and_delete()
    {
        await SendDataAsync("helo.test", "from@example.test", ["rcpt@example.test"], MultipartData);
        var id = Sink.Store.Snapshot()[0].Id;

        var one = await GetAsync(Http, $"api/v1/messages/{id}");
        Assert.Equal("text/json", one.ContentType);
        Assert.Equal(id, one.Json["ID"]!.GetValue<string>());
        Assert.Equal("helo.test", one.Json["Raw"]!["Helo"]!.GetValue<string>());

        var download = await GetAsync(Http, $"api/v1/messages/{id}/download");
        Assert.Equal("message/rfc822", download.ContentType);
        Assert.Equal($"attachment; filename=\"{id}.eml\"", download.ContentDisposition);
        Assert.Equal(Sink.Store.Find(id)!.Raw, download.Bytes);

        var part = await GetAsync(Http, $"api/v1/messages/{id}/mime/part/1/download");
        Assert.Equal("application/octet-stream", part.ContentType);
        Assert.Equal("attachment; filename=\"blob.bin\"", part.ContentDisposition);
        Assert.Equal(new byte[] { 0, 1, 2, 250, 251, 252 }, part.Bytes);
        var text = await GetAsync(Http, $"api/v1/messages/{id}/mime/part/0/download");
        Assert.Equal($"attachment; filename=\"{id}-part-0\"", text.ContentDisposition);
        Assert.Equal("Hello MailHog", text.Text);

        var deleted = await SendAsync(Http, HttpMethod.Delete, $"api/v1/messages/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(0, Sink.Store.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Http, $"api/v1/messages/{id}")).Status);
    }

    [Fact]
    public async Task Where_mailhog_and_mailpit_share_a_path_mailpit_answers()
    {
        await SendAsync(Sink, NewMessage("shared@example.test", "shared path"));
        var list = (await GetAsync(Http, "api/v1/messages")).Json;
        Assert.Equal("shared path", list["messages"]![0]!["Subject"]!.GetValue<string>());

        var deleteAll = await SendAsync(Http, HttpMethod.Delete, "api/v1/messages");
        Assert.Equal("ok", deleteAll.Text);
        Assert.Equal(0, Sink.Store.Count);
    }

    [Fact]
    public async Task Curl_reads_the_v2_list_as_a_foreign_client()
    {
        await SendDataAsync("curl.helo", "from@example.test", ["curl@example.test"], MultipartData);
        var answer = await CurlAsync(Sink.ApiUri, "GET", "api/v2/messages?limit=1");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("text/json", answer.ContentType);
        Assert.Equal(1, answer.Json["total"]!.GetValue<int>());
        Assert.Equal("curl.helo", answer.Json["items"]![0]!["Raw"]!["Helo"]!.GetValue<string>());
        Assert.Equal("curl", answer.Json["items"]![0]!["To"]![0]!["Mailbox"]!.GetValue<string>());
    }

    private async Task SendDataAsync(string helo, string from, string[] to, string data)
    {
        using var client = new SmtpClient { LocalDomain = helo };
        await client.ConnectAsync(Sink.Host, Sink.SmtpPort, MailKit.Security.SecureSocketOptions.None, Cancellation);
        using var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(data)));
        await client.SendAsync(message, MailboxAddress.Parse(from), to.Select(MailboxAddress.Parse), Cancellation);
        await client.DisconnectAsync(true, Cancellation);
    }

    /// <summary>Equal JSON, property order included (as the text would be, without escaping differences).</summary>
    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual) && JsonNode.Parse(expected)!.ToJsonString() == actual.ToJsonString(), $"expected {expected}, got {actual.ToJsonString()}");

    private static List<string> Values(JsonNode array) => array.AsArray().Select(v => v!.GetValue<string>()).ToList();

    private static List<string> Subjects(JsonNode list) =>
        list["items"]!.AsArray().Select(m => m!["Content"]!["Headers"]!["Subject"]![0]!.GetValue<string>()).ToList();
}
