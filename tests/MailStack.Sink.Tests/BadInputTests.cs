using System.Text;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

/// <summary>Garbage in gets a clear error out, and the sink keeps serving everyone else.</summary>
public sealed class BadInputTests
{
    private static async Task<SmtpWire> GreetedAsync(MailStack.Sink.Hosting.MailSink sink)
    {
        var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        return wire;
    }

    [Fact]
    public async Task Garbage_and_out_of_order_commands_get_5xx_replies()
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await GreetedAsync(sink);

        Assert.Equal("500 5.5.2 Error: command not recognized", await wire.CommandAsync("FROBNICATE now"));
        Assert.Equal("500 5.5.2 Error: bad syntax", await wire.CommandAsync(""));
        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first", await wire.CommandAsync("MAIL FROM:<a@example.test>"));
        Assert.Equal("501 5.5.4 Syntax: EHLO hostname", await wire.CommandAsync("EHLO"));
        await wire.CommandAsync("EHLO client.test");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await wire.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await wire.CommandAsync("DATA"));
        Assert.Equal("501 5.5.4 Syntax: MAIL FROM:<address>", await wire.CommandAsync("MAIL TO:<a@example.test>"));
        await wire.CommandAsync("MAIL FROM:<a@example.test>");
        Assert.Equal("503 5.5.1 Error: nested MAIL command", await wire.CommandAsync("MAIL FROM:<a@example.test>"));
        Assert.Equal("503 5.5.1 Error: need RCPT command", await wire.CommandAsync("DATA"));
        Assert.Equal("252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery", await wire.CommandAsync("VRFY someone"));
        Assert.Equal("250 2.0.0 Ok", await wire.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_10_MB_line_is_refused_without_buffering_it_and_the_session_goes_on()
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await GreetedAsync(sink);
        var huge = new byte[10 * 1024 * 1024 + 2];
        Array.Fill(huge, (byte)'A');
        huge[^2] = (byte)'\r';
        huge[^1] = (byte)'\n';

        await wire.SendBytesAsync(huge);

        Assert.Equal("500 5.5.2 Error: line too long", await wire.ReadReplyAsync());
        Assert.StartsWith("250", await wire.CommandAsync("EHLO still-here.test"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_base64_in_auth_gets_501()
    {
        await using var sink = await StartSinkAsync();
        await using var wire = await GreetedAsync(sink);
        await wire.CommandAsync("EHLO client.test");

        Assert.Equal("501 5.5.2 Error: invalid base64 data", await wire.CommandAsync("AUTH PLAIN !!!not-base64!!!"));
        Assert.Equal("334 VXNlcm5hbWU6", await wire.CommandAsync("AUTH LOGIN"));
        Assert.Equal("501 5.5.2 Error: invalid base64 data", await wire.CommandAsync("%%%"));
        Assert.Equal("504 5.5.4 Error: unrecognized authentication mechanism", await wire.CommandAsync("AUTH XOAUTH9"));
        Assert.Equal("501 5.7.0 Authentication cancelled", await wire.CommandAsync("AUTH PLAIN") is "334 " ? await wire.CommandAsync("*") : "no challenge");
    }

    [Fact]
    public async Task A_client_talking_nonsense_is_disconnected_while_others_are_served()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await using var noisy = await GreetedAsync(sink);
        for (var i = 0; i < 20; i++)
        {
            Assert.StartsWith("500", await noisy.CommandAsync($"GARBAGE {i}"), StringComparison.Ordinal);
        }

        Assert.Equal("421 4.7.0 Too many errors, closing connection", await noisy.ReadReplyAsync());
        Assert.True(await noisy.IsClosedAsync());

        var to = api.NewAddress("unaffected");
        await SendAsync(sink, NewMessage(to, "still served"));
        Assert.Equal("still served", (await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Subject);
    }

    [Theory]
    [InlineData("GET", "api/v1/nothing-here", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "api/v1/message/does-not-exist", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "api/v1/search?query=before:not-a-date", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "api/v1/search?query=larger:lots", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "api/v1/search", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "api/v1/wait?timeout=forever", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "api/v1/wait?count=0", null, HttpStatusCode.BadRequest)]
    [InlineData("DELETE", "api/v1/messages", "{\"IDs\": [", HttpStatusCode.BadRequest)]
    [InlineData("PUT", "api/v1/messages", "[1,2,3]", HttpStatusCode.BadRequest)]
    [InlineData("PUT", "api/v1/chaos", "{\"Sender\": \"loud\"}", HttpStatusCode.BadRequest)]
    public async Task Bad_api_requests_get_a_clear_4xx(string method, string url, string? body, HttpStatusCode expected)
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(expected, response.StatusCode);

        // Mailpit's errors are plain text naming the problem.
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(text));
    }
}
