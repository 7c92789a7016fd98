using System.Diagnostics;
using MailKit;
using MailKit.Search;
using MailStack.Sink.Hosting;
using static MailStack.Sink.Tests.Imap.ImapTestKit;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Imap;

/// <summary>Fault injection for IMAP readers: chaos rules at imap-login/select/fetch, and a UIDVALIDITY change on demand.</summary>
public sealed class ImapChaosTests
{
    private static async Task PostAsync(MailSink sink, HttpMethod method, string path, string json)
    {
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, Cancellation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    private static Task PutChaosAsync(MailSink sink, string json) => PostAsync(sink, HttpMethod.Put, "api/v1/chaos", json);

    [Fact]
    public async Task A_login_rule_refuses_every_second_login_with_its_text()
    {
        await using var sink = await StartSinkAsync();
        await PutChaosAsync(sink, """{"Rules":[{"Stage":"imap-login","Code":454,"Text":"Temporary authentication failure","EveryNth":2}]}""");
        var (wire, _) = await ImapWire.ConnectAsync(sink.Host, sink.ImapPort);
        await using var _ = wire;

        Assert.StartsWith("a1 OK", await wire.CommandAsync("a1", "LOGIN reader@example.test pw"), StringComparison.Ordinal);
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            var (next, _) = await ImapWire.ConnectAsync(sink.Host, sink.ImapPort);
            await using var __ = next;
            var reply = await next.CommandAsync($"a{attempt}", "LOGIN reader@example.test pw");
            if (attempt % 2 == 0)
            {
                Assert.Equal($"a{attempt} NO [UNAVAILABLE] Temporary authentication failure\n", reply);
            }
            else
            {
                Assert.StartsWith($"a{attempt} OK", reply, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_select_rule_can_drop_the_connection()
    {
        await using var sink = await StartSinkAsync();
        await PutChaosAsync(sink, """{"Rules":[{"Stage":"imap-select","Action":"disconnect","AddressPattern":"^victim@"}]}""");
        var (victim, _) = await ImapWire.ConnectAsync(sink.Host, sink.ImapPort);
        await using var _ = victim;
        var (bystander, _) = await ImapWire.ConnectAsync(sink.Host, sink.ImapPort);
        await using var __ = bystander;
        await victim.CommandAsync("a", "LOGIN victim@example.test pw");
        await bystander.CommandAsync("a", "LOGIN bystander@example.test pw");

        await victim.SendAsync("s SELECT INBOX\r\n");

        Assert.True(await victim.IsClosedAsync());
        Assert.EndsWith("s OK [READ-WRITE] SELECT completed\n", await bystander.CommandAsync("s", "SELECT INBOX"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fetch_rule_delays_the_answer()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var user = api.NewAddress("slow-fetch");
        await SendAsync(sink, NewMessage(user, "slow"));
        await PutChaosAsync(sink, """{"Rules":[{"Stage":"imap-fetch","Action":"delay","DelayMilliseconds":400}]}""");
        using var client = await LoginAsync(sink, user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);

        var watch = Stopwatch.StartNew();
        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope, Cancellation);

        // Timers may fire a little early against another clock (399 ms was seen); without the rule this takes milliseconds.
        Assert.True(watch.ElapsedMilliseconds >= 350, $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.Equal("slow", summaries.Single().Envelope!.Subject);
    }

    [Fact]
    public async Task A_uidvalidity_change_ends_selected_sessions_and_renumbers_the_folder()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var user = api.NewAddress("uidvalidity");
        await SendAsync(sink, NewMessage(user, "one"));
        await SendAsync(sink, NewMessage(user, "two"));
        using (var client = await LoginAsync(sink, user))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Cancellation);
            await client.Inbox.AddFlagsAsync(0, MessageFlags.Deleted, silent: true, Cancellation);
            await client.Inbox.ExpungeAsync(Cancellation);
        }

        var (wire, _) = await ImapWire.ConnectAsync(sink.Host, sink.ImapPort);
        await using var _ = wire;
        await wire.CommandAsync("a", $"LOGIN {user} pw");
        var before = await wire.CommandAsync("s", "SELECT INBOX");

        await PostAsync(sink, HttpMethod.Post, "api/v1/imap/uidvalidity", $$"""{"Address":"{{user}}"}""");

        await wire.SendAsync("n NOOP\r\n");
        Assert.Matches(@"^\* BYE UIDVALIDITY of INBOX changed to \d+; select it again$", await wire.ReadLineAsync());
        Assert.True(await wire.IsClosedAsync());
        using var again = await LoginAsync(sink, user);
        await again.Inbox.OpenAsync(FolderAccess.ReadOnly, Cancellation);
        Assert.DoesNotContain($"[UIDVALIDITY {again.Inbox.UidValidity}]", before, StringComparison.Ordinal);
        Assert.Equal([1u], (await again.Inbox.SearchAsync(SearchQuery.All, Cancellation)).Select(u => u.Id));
    }
}
