using System.Text;
using System.Text.Json.Nodes;
using MailStack.Sink.Hosting;
using MimeKit;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

/// <summary>The Mailpit-compatible HTTP API: shapes, search language, deletes, waits.</summary>
public sealed class SinkApiTests
{
    private static async Task<JsonNode> GetJsonAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!;
    }

    private static async Task<(MailSink Sink, HttpClient Http)> StartWithHttpAsync()
    {
        var sink = await StartSinkAsync();
        return (sink, new HttpClient { BaseAddress = sink.ApiUri });
    }

    [Fact]
    public async Task Message_list_has_mailpit_field_names_and_shapes()
    {
        var (sink, http) = await StartWithHttpAsync();
        await using var _ = sink;
        using var __ = http;
        var message = NewMessage("To Person <to@example.test>", "Shape check", "Snippet text here", from: "From Person <from@example.test>");
        message.Cc.Add(MailboxAddress.Parse("cc@example.test"));
        message.ReplyTo.Add(MailboxAddress.Parse("reply@example.test"));
        await SendAsync(sink, message);

        var list = await GetJsonAsync(http, "api/v1/messages");
        Assert.Equal(
            ["total", "unread", "count", "messages_count", "messages_unread", "start", "tags", "messages"],
            list.AsObject().Select(p => p.Key));
        Assert.Equal(1, (int)list["total"]!);
        Assert.Equal(1, (int)list["unread"]!);
        var summary = list["messages"]![0]!.AsObject();
        Assert.Equal(
            ["ID", "MessageID", "Read", "From", "To", "Cc", "Bcc", "ReplyTo", "Subject", "Created", "Username", "Tags", "Size", "Attachments", "Snippet"],
            summary.Select(p => p.Key));
        Assert.Equal("""{"Name":"From Person","Address":"from@example.test"}""", summary["From"]!.ToJsonString());
        Assert.Equal("""[{"Name":"To Person","Address":"to@example.test"}]""", summary["To"]!.ToJsonString());
        Assert.Equal("""[{"Name":"","Address":"cc@example.test"}]""", summary["Cc"]!.ToJsonString());
        Assert.Equal("[]", summary["Bcc"]!.ToJsonString());
        Assert.Equal("""[{"Name":"","Address":"reply@example.test"}]""", summary["ReplyTo"]!.ToJsonString());
        Assert.Equal("[]", summary["Tags"]!.ToJsonString());
        Assert.Equal("Snippet text here", (string)summary["Snippet"]!);
        Assert.Equal(0, (int)summary["Attachments"]!);
        Assert.EndsWith("Z", (string)summary["Created"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Full_message_has_bodies_attachments_and_parts()
    {
        var (sink, http) = await StartWithHttpAsync();
        await using var _ = sink;
        using var __ = http;
        var builder = new BodyBuilder { TextBody = "plain body", HtmlBody = "<p>html <a href=\"https://example.test/x\">body</a></p>" };
        byte[] payload = [0, 1, 2, 250, 251, 252, 13, 10];
        builder.Attachments.Add("report.bin", payload, new ContentType("application", "octet-stream"));
        var message = NewMessage("to@example.test", "With attachment");
        message.Body = builder.ToMessageBody();
        await SendAsync(sink, message);

        var id = (string)(await GetJsonAsync(http, "api/v1/messages"))["messages"]![0]!["ID"]!;
        var detail = await GetJsonAsync(http, $"api/v1/message/{id}");
        Assert.Equal(
            ["ID", "MessageID", "From", "To", "Cc", "Bcc", "ReplyTo", "ReturnPath", "Subject", "ListUnsubscribe", "Date", "Tags", "Username", "Text", "HTML", "Size", "Inline", "Attachments", "Envelope"],
            detail.AsObject().Select(p => p.Key));
        Assert.Equal("plain body", ((string)detail["Text"]!).Trim());
        Assert.Contains("<a href=\"https://example.test/x\">", (string)detail["HTML"]!, StringComparison.Ordinal);
        var attachment = Assert.Single(detail["Attachments"]!.AsArray())!;
        Assert.Equal(
            """{"PartID":"2","FileName":"report.bin","ContentType":"application/octet-stream","ContentID":"","Size":8,"Checksums":{"MD5":"24e8182bc29f7dc92aa671820c097c7c","SHA1":"bd1e22d9ba7825faba5b10611cb551d57219c2da","SHA256":"306039e8488edfd82abfc381a2992688b898c0a9f4f7e809b9bc49ea27d11313"}}""",
            attachment.ToJsonString());

        using var part = await http.GetAsync($"api/v1/message/{id}/part/2", Cancellation);
        Assert.Equal(payload, await part.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal("application/octet-stream", part.Content.Headers.ContentType!.MediaType);

        var headers = await GetJsonAsync(http, $"api/v1/message/{id}/headers");
        Assert.Equal("""["With attachment"]""", headers["Subject"]!.ToJsonString());

        // Reading a message marks it read.
        Assert.Equal(0, (int)(await GetJsonAsync(http, "api/v1/messages"))["unread"]!);
    }

    [Fact]
    public async Task Latest_returns_the_newest_message_overall_and_for_a_query()
    {
        var (sink, http) = await StartWithHttpAsync();
        await using var _ = sink;
        using var __ = http;
        await SendAsync(sink, NewMessage("a@example.test", "first"));
        await SendAsync(sink, NewMessage("b@example.test", "second"));
        await SendAsync(sink, NewMessage("a@example.test", "third"));

        Assert.Equal("third", (string)(await GetJsonAsync(http, "api/v1/message/latest"))["Subject"]!);
        Assert.Equal("second", (string)(await GetJsonAsync(http, "api/v1/message/latest?query=to:b@example.test"))["Subject"]!);
        using var missing = await http.GetAsync("api/v1/message/latest?query=to:nobody@example.test", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    public static TheoryData<string, string, string> SearchCases => new()
    {
        // query, matches "alpha" message, not "beta"
        { "to:alpha@example.test", "alpha", "beta" },
        { "from:alpha-sender", "alpha", "beta" },
        { "cc:cc-alpha", "alpha", "beta" },
        { "bcc:hidden-alpha", "alpha", "beta" },
        { "reply-to:reply-alpha", "alpha", "beta" },
        { "addressed:cc-alpha@example.test", "alpha", "beta" },
        { "subject:\"alpha subject\"", "alpha", "beta" },
        { "has:attachment", "alpha", "beta" },
        { "is:unread", "alpha", "beta" },
        { "larger:3K", "alpha", "beta" },
        { "smaller:3K", "beta", "alpha" },
        { "header:X-Scenario=alpha-run", "alpha", "beta" },
        { "envelope-to:hidden-alpha@example.test", "alpha", "beta" },
        { "unicornword", "alpha", "beta" },
        { "alpha-attachment.txt", "alpha", "beta" },
        { "-subject:alpha", "beta", "alpha" },
        { "!to:alpha@example.test", "beta", "alpha" },
        { "subject:subject -has:attachment", "beta", "alpha" },
        { "after:2000-01-01 subject:beta", "beta", "alpha" },
        { "before:2999-01-01 subject:alpha", "alpha", "beta" },
    };

    [Theory]
    [MemberData(nameof(SearchCases))]
    public async Task Search_operator_matches_and_excludes(string query, string expected, string excluded)
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var alpha = NewMessage("alpha@example.test", "alpha subject", "the unicornword lives here " + new string('x', 4000), from: "alpha-sender@example.test");
        alpha.Cc.Add(MailboxAddress.Parse("cc-alpha@example.test"));
        alpha.Bcc.Add(MailboxAddress.Parse("hidden-alpha@example.test"));
        alpha.ReplyTo.Add(MailboxAddress.Parse("reply-alpha@example.test"));
        alpha.Headers.Add("X-Scenario", "alpha-run");
        var body = new BodyBuilder { TextBody = alpha.TextBody };
        body.Attachments.Add("alpha-attachment.txt", Encoding.UTF8.GetBytes("attached"));
        alpha.Body = body.ToMessageBody();
        await SendAsync(sink, alpha);
        await SendAsync(sink, NewMessage("beta@example.test", "beta subject", "short", from: "beta-sender@example.test"));
        var betaId = sink.Store.Snapshot().First(m => m.Summary.Subject == "beta subject").Id;
        sink.Store.SetRead([betaId], true);

        var found = await api.SearchAsync(query, cancellationToken: Cancellation);
        var subjects = found.Select(m => m.Subject.Split(' ')[0]).ToList();
        Assert.Contains(expected, subjects);
        Assert.DoesNotContain(excluded, subjects);
    }

    [Fact]
    public async Task Tag_and_is_read_filters_follow_the_read_flag_and_tags()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await SendAsync(sink, NewMessage("x@example.test", "readme"));
        Assert.Empty(await api.SearchAsync("is:read", cancellationToken: Cancellation));
        Assert.Empty(await api.SearchAsync("tag:none", cancellationToken: Cancellation));
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        using var put = await http.PutAsJsonAsync("api/v1/messages", new { IDs = Array.Empty<string>(), Read = true }, Cancellation);
        Assert.True(put.IsSuccessStatusCode);
        Assert.Single(await api.SearchAsync("is:read", cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Delete_by_search_removes_only_the_matches_and_delete_by_ids_ignores_unknown_ids()
    {
        var (sink, http) = await StartWithHttpAsync();
        await using var _ = sink;
        using var __ = http;
        using var api = ClientFor(sink);
        await SendAsync(sink, NewMessage("keep@example.test", "keep"));
        await SendAsync(sink, NewMessage("drop@example.test", "drop one"));
        await SendAsync(sink, NewMessage("drop@example.test", "drop two"));

        await api.PurgeAsync("to:drop@example.test", Cancellation);
        Assert.Equal(["keep"], (await api.SearchAsync("", cancellationToken: Cancellation)).Select(m => m.Subject));

        var keepId = sink.Store.Snapshot().Single().Id;
        using var request = new HttpRequestMessage(HttpMethod.Delete, "api/v1/messages") { Content = JsonContent.Create(new { IDs = new[] { keepId, "no-such-id" } }) };
        using var response = await http.SendAsync(request, Cancellation);

        // Mailpit deletes what exists and answers ok either way.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(0, sink.Store.Count);

        using var emptyQuery = await http.DeleteAsync("api/v1/search?query=", Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, emptyQuery.StatusCode);
    }

    [Fact]
    public async Task Delete_with_empty_body_deletes_everything()
    {
        var (sink, http) = await StartWithHttpAsync();
        await using var _ = sink;
        using var __ = http;
        await SendAsync(sink, NewMessage("a@example.test", "one"));
        await SendAsync(sink, NewMessage("b@example.test", "two"));
        using var response = await http.DeleteAsync("api/v1/messages", Cancellation);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(0, sink.Store.Count);
    }

    [Fact]
    public async Task Wait_returns_a_message_stored_before_the_call()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("before");
        await SendAsync(sink, NewMessage(to, "already there"));
        var found = await api.WaitForCountAsync(MailSinkClient.To(to), 1, TimeSpan.FromSeconds(5), Cancellation);
        Assert.Equal("already there", Assert.Single(found).Subject);
    }

    [Fact]
    public async Task Wait_returns_when_messages_arrive_during_the_call()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("during");
        var waiting = api.WaitForCountAsync(MailSinkClient.To(to), 3, TimeSpan.FromSeconds(20), Cancellation);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(sink, NewMessage(to, $"arrival {i}"));
        }

        var found = await waiting;
        Assert.Equal(["arrival 2", "arrival 1", "arrival 0"], found.Select(m => m.Subject));
    }

    [Fact]
    public async Task Wait_times_out_with_408_and_the_client_says_what_the_sink_held()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await SendAsync(sink, NewMessage("someone-else@example.test", "not yours"));
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        using var raw = await http.GetAsync("api/v1/wait?query=to:nobody@example.test&timeout=300ms", Cancellation);
        Assert.Equal(HttpStatusCode.RequestTimeout, raw.StatusCode);

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            api.WaitForMessageAsync("to:nobody@example.test", TimeSpan.FromMilliseconds(300), Cancellation));
        Assert.Contains("matching \"to:nobody@example.test\"; 0 matched", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"not yours\" from sender@example.test to someone-else@example.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_after_a_timeout_still_sees_a_later_message()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("after");
        await Assert.ThrowsAsync<TimeoutException>(() => api.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromMilliseconds(200), Cancellation));
        await SendAsync(sink, NewMessage(to, "late"));
        Assert.Equal("late", (await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Subject);
    }

    [Fact]
    public async Task Info_and_probes_answer()
    {
        var (sink, http) = await StartWithHttpAsync();
        await using var _ = sink;
        using var __ = http;
        await SendAsync(sink, NewMessage("a@example.test", "counted"));
        var info = await GetJsonAsync(http, "api/v1/info");
        Assert.Equal(1, (int)info["Messages"]!);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("livez", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Retention_prunes_the_oldest_beyond_max_messages()
    {
        await using var sink = await StartSinkAsync(o => o.Store.MaxMessages = 3);
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(sink, NewMessage("r@example.test", $"m{i}"));
        }

        Assert.Equal(["m4", "m3", "m2"], sink.Store.Snapshot().Select(m => m.Summary.Subject));
    }
}
