using MimeKit;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

public sealed class SinkClientTests
{
    [Fact]
    public async Task Thirty_two_parallel_scenarios_sharing_one_sink_each_see_exactly_their_own_mail()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);

        await Task.WhenAll(Enumerable.Range(0, 32).Select(async scenario =>
        {
            var me = api.NewAddress($"scenario {scenario}");
            var count = 1 + (scenario % 3);
            for (var i = 0; i < count; i++)
            {
                await SendAsync(sink, NewMessage(me, $"scenario {scenario} mail {i}"));
            }

            var mine = await api.WaitForCountAsync(MailSinkClient.To(me), count, cancellationToken: Cancellation);
            Assert.Equal(count, mine.Count);
            Assert.All(mine, m => Assert.StartsWith($"scenario {scenario} mail ", m.Subject, StringComparison.Ordinal));
            Assert.All(mine, m => Assert.Equal(me, Assert.Single(m.To).Address));
        }));
        Assert.Equal(Enumerable.Range(0, 32).Sum(s => 1 + (s % 3)), sink.Store.Count);
    }

    [Fact]
    public void New_address_is_unique_and_readable()
    {
        using var api = new MailSinkClient(new Uri("http://127.0.0.1:1/"), "tests.example");
        var first = api.NewAddress("Sign-up flow!");
        var second = api.NewAddress("Sign-up flow!");
        Assert.Matches("^sign-up-flow-[0-9a-f]{8}@tests\\.example$", first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Extract_links_pulls_a_magic_link_token_out_of_text_and_html_bodies()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("magic");
        var message = NewMessage(to, "Your sign-in link");
        message.Body = new BodyBuilder
        {
            TextBody = "Sign in: https://app.example.test/login?token=txt-123.\nThanks",
            HtmlBody = "<p><a href=\"https://app.example.test/login?token=html-456&amp;next=%2Fhome\">Sign in</a></p>",
        }.ToMessageBody();
        await SendAsync(sink, message);

        var stored = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        var links = MailSinkClient.ExtractLinks(stored);

        Assert.Equal(
            ["https://app.example.test/login?token=html-456&next=%2Fhome", "https://app.example.test/login?token=txt-123"],
            links.Select(l => l.OriginalString));
        var token = System.Web.HttpUtility.ParseQueryString(links[1].Query)["token"];
        Assert.Equal("txt-123", token);
    }

    [Fact]
    public async Task Purge_by_query_only_removes_the_scenario_mail()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var mine = api.NewAddress("purge-mine");
        var theirs = api.NewAddress("purge-theirs");
        await SendAsync(sink, NewMessage(mine, "mine"));
        await SendAsync(sink, NewMessage(theirs, "theirs"));

        await api.PurgeAsync(MailSinkClient.To(mine), Cancellation);

        Assert.Empty(await api.SearchAsync(MailSinkClient.To(mine), cancellationToken: Cancellation));
        Assert.Single(await api.SearchAsync(MailSinkClient.To(theirs), cancellationToken: Cancellation));
    }
}
