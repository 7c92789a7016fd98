using MailStack.Sink.Hosting;
using MimeKit;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary><c>POST /api/v1/message/{ID}/release</c>: relays a stored message to a second sink over real SMTP.</summary>
public sealed class ReleaseApiTests
{
    [Fact]
    public async Task Release_relays_the_message_as_mailpit_does()
    {
        await using var target = await StartSinkAsync();
        await using var sink = await StartSinkAsync(o =>
        {
            o.Release.Host = target.Host;
            o.Release.Port = target.SmtpPort;
        });
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        var original = NewMessage("To Someone <someone@example.test>", "to be released", from: "Author <author@example.test>");
        original.Bcc.Add(MailboxAddress.Parse("secret@example.test"));
        original.Headers.Add("X-Trace", "kept");
        await SendAsync(sink, original);
        var stored = sink.Store.Snapshot()[0];

        var answer = await SendAsync(http, HttpMethod.Post, $"api/v1/message/{stored.Id}/release", """{"To":["qa@example.test","Lead <lead@example.test>"]}""");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("text/plain", answer.ContentType);
        Assert.Equal("ok", answer.Text);

        var released = Assert.Single(target.Store.Snapshot());
        Assert.Equal("author@example.test", released.Envelope.From);
        Assert.Equal(["qa@example.test", "lead@example.test"], released.Envelope.Recipients);
        var copy = released.Parse();
        Assert.Equal("to be released", copy.Subject);
        Assert.Equal("kept", copy.Headers["X-Trace"]);
        Assert.Equal(["someone@example.test"], copy.To.Mailboxes.Select(m => m.Address));
        Assert.DoesNotContain("secret@example.test", copy.Bcc.Mailboxes.Select(m => m.Address));
        Assert.NotEqual(stored.Summary.MessageId, copy.MessageId);
        Assert.True(copy.Date > stored.Parse().Date - TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Refused_releases_say_why_in_mailpits_words()
    {
        await using var target = await StartSinkAsync();
        await using var sink = await StartSinkAsync(o =>
        {
            o.Release.Host = target.Host;
            o.Release.Port = target.SmtpPort;
            o.Release.BlockedRecipients = "@blocked\\.test$";
        });
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        await SendAsync(sink, NewMessage("a@example.test", "refused"));
        var id = sink.Store.Snapshot()[0].Id;

        await AssertRefusedAsync(http, id, """{"To":["not an address"]}""", "Invalid email address: not an address");
        await AssertRefusedAsync(http, id, """{"To":[]}""", "No valid addresses found");
        await AssertRefusedAsync(http, id, """{"To":["x@blocked.test","y@blocked.test"]}""", "Failed: 2 Addresses found on blocklist: x@blocked.test, y@blocked.test");

        target.Chaos.Apply(new ChaosSettings { Recipient = new ChaosTrigger { ErrorCode = 550, Probability = 100 } });
        await AssertRefusedAsync(http, id, """{"To":["ok@example.test"]}""", "SMTP error: Chaos recipient error");
        Assert.Equal(0, target.Store.Count);

        var missing = await SendAsync(http, HttpMethod.Post, "api/v1/message/nope/release", """{"To":["ok@example.test"]}""");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("404 page not found", missing.Text);
    }

    [Fact]
    public async Task Without_a_release_server_release_says_it_is_not_configured()
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        await SendAsync(sink, NewMessage("a@example.test", "nowhere to go"));
        await AssertRefusedAsync(http, sink.Store.Snapshot()[0].Id, """{"To":["b@example.test"]}""",
            "SMTP error: message release is not configured (set Sink:Release:Host and Sink:Release:Port)");
    }

    private static async Task AssertRefusedAsync(HttpClient http, string id, string body, string error)
    {
        var answer = await SendAsync(http, HttpMethod.Post, $"api/v1/message/{id}/release", body);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("text/plain", answer.ContentType);
        Assert.Equal(error, answer.Text);
    }
}
