using System.Globalization;
using System.Text.RegularExpressions;
using MailKit;
using MailStack.Testing.Bounces;
using MailStack.Tests.Proxy.Hosting;
using MimeKit;
using static MailStack.Tests.Proxy.BounceTestKit;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The bounce receiver's life: proxies of their own (in the test process) on a database of their
/// own, reading a Dovecot of their own, so restarts, a mailbox recreated, a server going away and
/// two replicas touch no other test — and the counters are theirs alone.
/// </summary>
public sealed class ProxyBounceReceiverTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    // catalog: B06
    // catalog: B07
    // catalog: B15
    [Fact]
    public async Task A_restart_resumes_after_the_last_report_and_the_receiver_survives_dovecot_restarting()
    {
        await using var dovecot = await DovecotServer.StartAsync(cancellationToken: Cancellation);
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        var tenantId = NewId("resume");
        var ids = new List<string>();
        MailboxPosition positionAfterSecond;
        await using (var first = await StartReadingAsync(database, dovecot))
        {
            using var admin = first.Client(stack.AdminToken);
            ids.AddRange(await SendAsync(admin, tenantId, 3));
            await using var imap = await MailboxAsync(dovecot);
            await imap.AppendAsync(BounceReportBuilder.Hard($"{ids[0]}@example.test").WithTrackingId(ids[0]).Build(), cancellationToken: Cancellation);
            await WaitForStatusAsync(admin, tenantId, ids[0], s => s == MessageStatus.Bounced);
            var plain = new MimeMessage([new MailboxAddress("", "someone@example.test")], [new MailboxAddress("", dovecot.User)], $"hello {tenantId}", new TextPart("plain") { Text = "not a bounce" });
            await imap.AppendAsync(plain, cancellationToken: Cancellation);
            await WaitInFolderAsync(imap, $"hello {tenantId}", Unrecognized);
            Assert.Equal((1L, 1L), await CountersAsync(admin, tenantId));
        }

        // Stopped: a report arrives meanwhile, and the next instance takes it from where the first left off.
        await using (var imap = await MailboxAsync(dovecot))
        {
            var uid = await imap.AppendAsync(BounceReportBuilder.Soft($"{ids[1]}@example.test").WithTrackingId(ids[1]).Build(), cancellationToken: Cancellation);
            await imap.Client.Inbox.StatusAsync(StatusItems.UidValidity, Cancellation);
            positionAfterSecond = new MailboxPosition(imap.Client.Inbox.UidValidity, uid!.Value.Id);
        }

        await using var second = await StartReadingAsync(database, dovecot, configure: false);
        using var secondAdmin = second.Client(stack.AdminToken);
        Assert.Equal("soft", (await WaitForStatusAsync(secondAdmin, tenantId, ids[1], s => s == MessageStatus.Bounced)).BounceType);
        var instance = await secondAdmin.GetInstanceAsync();
        Assert.Equal(positionAfterSecond, new MailboxPosition(instance.BounceUidvalidity!.Value, instance.BounceLastUid!.Value));
        // Nothing the first instance handled was handled again.
        Assert.Equal((1L, 0L), await CountersAsync(secondAdmin, tenantId));
        Assert.Single((await secondAdmin.FindMessageAsync(tenantId, ids[0], Cancellation))!.History!, e => e.EventType == "bounced");

        // Dovecot goes away and comes back: the receiver reconnects on its own.
        await dovecot.RestartAsync(Cancellation);
        await using (var imap = await MailboxAsync(dovecot))
        {
            await imap.AppendAsync(BounceReportBuilder.Hard($"{ids[2]}@example.test").WithTrackingId(ids[2]).Build(), cancellationToken: Cancellation);
            await WaitForStatusAsync(secondAdmin, tenantId, ids[2], s => s == MessageStatus.Bounced);
            await WaitInFolderAsync(imap, ids[2], Processed);
        }
    }

    [Fact]
    public async Task A_recreated_folder_is_read_from_the_start_and_processed_reports_can_be_deleted()
    {
        await using var dovecot = await DovecotServer.StartAsync(cancellationToken: Cancellation);
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var imap = await MailboxAsync(dovecot);
        var root = imap.Client.GetFolder(imap.Client.PersonalNamespaces[0]);
        var folder = (await root.CreateAsync("Bounces", isMessageFolder: true, Cancellation))!;
        await using var proxy = await StartReadingAsync(database, dovecot, folder: "Bounces");
        using var admin = proxy.Client(stack.AdminToken);
        var tenantId = NewId("uidv");
        var ids = await SendAsync(admin, tenantId, 5);

        // Three reports in the old folder: the last UID handled is 3, above any the new folder starts
        // with (a report there came out as UID 2 in 2 of ~26 runs under load, for a reason not found).
        await imap.AppendAsync([.. ids[..3].Select(id => BounceReportBuilder.Hard($"{id}@example.test").WithTrackingId(id).Build())], "Bounces", Cancellation);
        foreach (var id in ids[..3])
        {
            await WaitForStatusAsync(admin, tenantId, id, s => s == MessageStatus.Bounced);
        }

        var before = await Eventually.GetAsync(async _ => await admin.GetInstanceAsync() is { BounceLastUid: 3 } instance ? instance : null,
            "the old folder's last UID (3) to be recorded");

        // Deleted and created again: a new UIDVALIDITY, and UIDs from 1 again (not above the last one handled).
        await folder.DeleteAsync(Cancellation);
        await root.CreateAsync("Bounces", isMessageFolder: true, Cancellation);
        // Through a new session (this one's view of the folder is the deleted one's). While Dovecot
        // still tears the old folder down it may refuse an APPEND, or take it into the old folder's
        // index (seen once under load: UID 2 of the old UIDVALIDITY), so the report goes in only once
        // STATUS shows the new folder.
        var report = BounceReportBuilder.Hard($"{ids[3]}@example.test").WithTrackingId(ids[3]).Build();
        uint newValidity = 0;
        var appends = 0;
        // What the APPEND answered: a UID, or none (then the receiver's record gives it).
        var appended = await Eventually.GetAsync<Tuple<UniqueId?>>(async c =>
        {
            await using var fresh = await MailboxAsync(dovecot);
            try
            {
                var recreated = await fresh.Client.GetFolderAsync("Bounces", c);
                await recreated.StatusAsync(StatusItems.UidValidity, c);
                if (recreated.UidValidity == before.BounceUidvalidity)
                {
                    return null;
                }

                newValidity = recreated.UidValidity;
                // An APPEND refused while Dovecot was still tearing the old folder down may have
                // stored the report all the same (twice in Processed after a retry, 2 runs in ~30).
                if (appends > 0 && ((await fresh.FindAsync(ids[3], "Bounces", c)).Count > 0 || (await fresh.FindAsync(ids[3], Processed, c)).Count > 0))
                {
                    return Tuple.Create<UniqueId?>(null);
                }

                appends++;
                return Tuple.Create(await fresh.AppendAsync(report, "Bounces", c));
            }
            // Dovecot may also drop the session while it tears the old folder down (seen once in ~30
            // runs, in a SEARCH): the next try opens a new one, and looks before it appends again.
            catch (Exception ex) when (ex is MailKit.Net.Imap.ImapCommandException or MailKit.Net.Imap.ImapProtocolException or FolderNotFoundException)
            {
                return null;
            }
        }, "the report to be appended to the new folder");

        await WaitForStatusAsync(admin, tenantId, ids[3], s => s == MessageStatus.Bounced);
        var after = await admin.GetInstanceAsync();
        Assert.NotEqual(before.BounceUidvalidity, after.BounceUidvalidity);
        // The report's UID in the new folder, as the APPEND answered it (else as the receiver recorded it).
        var uid = appended.Item1?.Id ?? after.BounceLastUid;
        Assert.True(uid <= before.BounceLastUid,
            $"UID {uid} (the new folder's UIDVALIDITY {newValidity}, the old one's {before.BounceUidvalidity}) should not be above the last one handled ({before.BounceLastUid})");
        Assert.Equal(uid, after.BounceLastUid);

        // Told to delete what it processed: the report goes nowhere.
        await admin.UpdateInstanceAsync(new { bounce_delete_processed = true });
        await admin.ReloadBounceAsync();
        await using var current = await MailboxAsync(dovecot);
        await current.AppendAsync(BounceReportBuilder.Hard($"{ids[4]}@example.test").WithTrackingId(ids[4]).Build(), "Bounces", Cancellation);
        await WaitForStatusAsync(admin, tenantId, ids[4], s => s == MessageStatus.Bounced);
        await Eventually.GetAsync<object>(async c => (await current.FindAsync(ids[4], "Bounces", c)).Count == 0 ? true : null, "the report to leave the folder");
        Assert.Empty(await current.FindAsync(ids[4], Processed, Cancellation));
        var kept = await current.FindAsync(ids[3], Processed, Cancellation);
        Assert.True(kept.Count == 1, $"{kept.Count} copies of the report in {Processed} after {appends} APPEND attempt(s)");
    }

    [Fact]
    public async Task Two_replicas_read_one_mailbox_and_each_report_is_handled_once()
    {
        await using var dovecot = await DovecotServer.StartAsync(cancellationToken: Cancellation);
        await using var database = await ScratchDatabase.CreateAsync(stack, Cancellation);
        await using var one = await StartReadingAsync(database, dovecot);
        await using var two = await StartReadingAsync(database, dovecot, configure: false);
        using var admin = one.Client(stack.AdminToken);
        using var otherAdmin = two.Client(stack.AdminToken);
        var tenantId = NewId("replicas");
        var ids = await SendAsync(admin, tenantId, 10);

        await using var imap = await MailboxAsync(dovecot);
        await imap.AppendAsync([.. ids.Select(id => BounceReportBuilder.Hard($"{id}@example.test").WithTrackingId(id).Build())], cancellationToken: Cancellation);
        foreach (var id in ids)
        {
            var bounced = await WaitForStatusAsync(admin, tenantId, id, s => s == MessageStatus.Bounced);
            Assert.Single(bounced.History!, e => e.EventType == "bounced");
        }

        await WaitInFolderAsync(imap, "example.test", Processed, count: 10);
        var (bouncedOne, _) = await CountersAsync(admin, tenantId);
        var (bouncedTwo, _) = await CountersAsync(otherAdmin, tenantId);
        Assert.Equal(10, bouncedOne + bouncedTwo);
    }

    /// <summary>A proxy on <paramref name="database"/>; unless told otherwise it is pointed at <paramref name="dovecot"/> (PUT /instance, reload-bounce).</summary>
    private async Task<TestProxy> StartReadingAsync(ScratchDatabase database, DovecotServer dovecot, bool configure = true, string folder = "INBOX")
    {
        var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess, Database = database });
        if (configure)
        {
            using var admin = proxy.Client(stack.AdminToken);
            await admin.ReadBouncesFromAsync(dovecot.Host, dovecot.Port, dovecot.User, dovecot.Password, folder);
        }

        return proxy;
    }

    /// <summary>Creates the tenant (on first use) and sends <paramref name="count"/> messages through tenant1's sink; returns their ids once all are sent.</summary>
    private async Task<List<string>> SendAsync(HttpClient admin, string tenantId, int count)
    {
        var smtp = stack.App.GetEndpoint("sink-tenant1", "smtp");
        await _proxy.CreateTenantAsync(tenantId, smtp.Host, smtp.Port, admin: admin);
        var ids = Enumerable.Range(0, count).Select(n => NewId($"r{n}")).ToList();
        await admin.AddMessagesAsync([.. ids.Select(id => OutgoingMessage.For(tenantId, id, $"{id}@example.test"))]);
        foreach (var id in ids)
        {
            await WaitForStatusAsync(admin, tenantId, id, s => s == MessageStatus.Sent);
        }

        return ids;
    }

    /// <summary>This instance's <c>mailstack_bounced_total</c> for the tenant and its <c>mailstack_bounces_unrecognized_total</c>.</summary>
    private static async Task<(long Bounced, long Unrecognized)> CountersAsync(HttpClient proxy, string tenantId)
    {
        var text = await proxy.GetStringAsync("/metrics", Cancellation);
        var bounced = Regex.Match(text, $@"(?m)^mailstack_bounced_total\{{tenant_id=""{Regex.Escape(tenantId)}"",account_id=""main""\}} (\d+)$");
        var unrecognized = Regex.Match(text, @"(?m)^mailstack_bounces_unrecognized_total (\d+)$");
        Assert.True(unrecognized.Success, text);
        return (bounced.Success ? long.Parse(bounced.Groups[1].Value, CultureInfo.InvariantCulture) : 0, long.Parse(unrecognized.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private sealed record MailboxPosition(long UidValidity, long LastUid);
}
