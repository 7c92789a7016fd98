using MailStack.Sink.Hosting;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary>Mailpit's tags: given at ingestion, set, renamed and deleted through the API, shown in summaries and <c>tag:</c> search.</summary>
public sealed class TagsApiTests : SinkApiTest
{
    [Fact]
    public async Task X_tags_and_plus_addresses_tag_a_message_on_arrival()
    {
        var message = NewMessage("reader+news+weekly@example.test", "tagged");
        message.Headers.Add("X-Tags", " urgent, Billing!,urgent ");
        await SendAsync(Sink, message);
        await SendAsync(Sink, NewMessage("plain@example.test", "untagged"));

        var list = (await GetAsync(Http, "api/v1/messages")).Json;
        Assert.Equal("""["Billing","news","urgent","weekly"]""", list["tags"]!.ToJsonString());
        Assert.Equal("""["Billing","news","urgent","weekly"]""", list["messages"]![1]!["Tags"]!.ToJsonString());
        Assert.Equal("[]", list["messages"]![0]!["Tags"]!.ToJsonString());

        var tags = await GetAsync(Http, "api/v1/tags");
        Assert.Equal("application/json", tags.MediaType);
        Assert.Equal("""["Billing","news","urgent","weekly"]""", tags.Text);
        Assert.Equal(["tagged"], (await Subjects("tag:billing")));

        var info = (await GetAsync(Http, "api/v1/info")).Json;
        Assert.Equal("""{"Billing":1,"news":1,"urgent":1,"weekly":1}""", info["Tags"]!.ToJsonString());
        Assert.Equal(["untagged"], (await Subjects("-tag:urgent")));
    }

    [Fact]
    public async Task Put_tags_gives_messages_exactly_those_tags()
    {
        await SendAsync(Sink, NewMessage("a@example.test", "first"));
        await SendAsync(Sink, NewMessage("b@example.test", "second"));
        var ids = Sink.Store.Snapshot().Select(m => m.Id).ToList();

        var set = await SendAsync(Http, HttpMethod.Put, "api/v1/tags",
            JsonSerializer.Serialize(new { IDs = ids, Tags = new[] { "Release 1.0", "qa", "QA", "bad/chars", "unknown-id-is-fine" } }));
        AssertOk(set);
        Assert.Equal("""["bad chars","qa","Release 1.0","unknown-id-is-fine"]""", (await GetAsync(Http, "api/v1/tags")).Text);

        // An existing spelling is reused, and the new list replaces the old one.
        AssertOk(await SendAsync(Http, HttpMethod.Put, "api/v1/tags", JsonSerializer.Serialize(new { IDs = new[] { ids[0], "no-such-id" }, Tags = new[] { "RELEASE 1.0" } })));
        Assert.Equal(["Release 1.0"], Sink.Store.Find(ids[0])!.Tags);
        Assert.Equal(["second", "first"], await Subjects("tag:\"release 1.0\""));

        AssertOk(await SendAsync(Http, HttpMethod.Put, "api/v1/tags", JsonSerializer.Serialize(new { IDs = ids, Tags = Array.Empty<string>() })));
        Assert.Equal("[]", (await GetAsync(Http, "api/v1/tags")).Text);
    }

    [Fact]
    public async Task Rename_and_delete_work_on_every_message_and_say_what_is_wrong()
    {
        using var api = ClientFor(Sink);
        await SendAsync(Sink, NewMessage("a@example.test", "one"));
        await SendAsync(Sink, NewMessage("b@example.test", "two"));
        var ids = Sink.Store.Snapshot().Select(m => m.Id).ToList();
        await api.SetTagsAsync(ids, ["old", "keep"], Cancellation);

        AssertOk(await SendAsync(Http, HttpMethod.Put, "api/v1/tags/old", """{"Name":"new name"}"""));
        Assert.Equal(["keep", "new name"], await api.GetTagsAsync(Cancellation));
        Assert.Equal(["two", "one"], await Subjects("tag:\"new name\""));

        AssertBadRequest(await SendAsync(Http, HttpMethod.Put, "api/v1/tags/new%20name", """{"Name":"Keep"}"""), "tag already exists: Keep");
        AssertBadRequest(await SendAsync(Http, HttpMethod.Put, "api/v1/tags/missing", """{"Name":"x"}"""), "tag not found: missing");
        AssertBadRequest(await SendAsync(Http, HttpMethod.Put, "api/v1/tags/keep", """{"Name":"%%"}"""), "invalid tag name: %%");

        AssertOk(await SendAsync(Http, HttpMethod.Delete, "api/v1/tags/keep"));
        Assert.Equal(["new name"], await api.GetTagsAsync(Cancellation));
        Assert.All(Sink.Store.Snapshot(), m => Assert.Equal(["new name"], m.Tags));
        AssertBadRequest(await SendAsync(Http, HttpMethod.Delete, "api/v1/tags/keep"), "tag not found: keep");

        await api.RenameTagAsync("new name", "final", Cancellation);
        await api.DeleteTagAsync("final", Cancellation);
        Assert.Empty(await api.GetTagsAsync(Cancellation));
    }

    private async Task<IReadOnlyList<string>> Subjects(string query) =>
        (await GetAsync(Http, $"api/v1/search?query={Uri.EscapeDataString(query)}")).Json["messages"]!.AsArray()
            .Select(m => m!["Subject"]!.GetValue<string>()).ToList();

    private static void AssertOk(HttpAnswer answer)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("text/plain", answer.ContentType);
        Assert.Equal("ok", answer.Text);
    }

    private static void AssertBadRequest(HttpAnswer answer, string error)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("text/plain", answer.ContentType);
        Assert.Equal(error, answer.Text);
    }
}
