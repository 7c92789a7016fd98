using MailStack.Proxy.Bounces.Parsing;
using MailStack.Testing.Bounces;
using MimeKit;
using static MailStack.Tests.Proxy.BounceTestKit;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// Bounces through the whole stack: the proxy sends, the sink bounces like an MTA and appends its
/// RFC 3464 report to Dovecot's bounce mailbox, the proxy's receiver ties it to the message, and the
/// tenant hears of it. Reports a test builds itself go into the same mailbox over IMAP.
/// </summary>
public sealed class ProxyBounceTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    // catalog: B02
    // catalog: B03
    // catalog: B15
    // catalog: B16
    // catalog: B17
    // catalog: B19
    [Theory]
    [InlineData("bounce-hard", "hard", "511", "user unknown")]
    [InlineData("bounce-soft", "soft", "422", "mailbox full")]
    public async Task A_mail_to_a_bouncing_address_ends_bounced_and_the_tenant_gets_the_bounce(string domain, string type, string code, string reason)
    {
        var tenantId = NewId("bounce");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        var id = NewId("b");
        var to = $"x-{Guid.NewGuid():N}@{domain}.example";

        await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, id, to));

        var bounced = await WaitForStatusAsync(tenant, tenantId, id, s => s == MessageStatus.Bounced);
        Assert.Equal(type, bounced.BounceType);
        Assert.Equal(code, bounced.BounceCode);
        Assert.Contains(reason, bounced.BounceReason, StringComparison.Ordinal);
        Assert.InRange(bounced.BounceTs!.Value, bounced.SentTs!.Value, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(["sent", "bounced"], bounced.History!.Select(e => e.EventType));
        Assert.Equal(bounced.BounceReason, bounced.History![1].Description);

        using var echo = _proxy.Echo("echo-tenant1");
        var report = await WaitForBounceReportAsync(echo, id);
        // Exactly {id, bounce_ts, bounce_type, bounce_code, bounce_reason}.
        Assert.Equal(new DeliveryReportItem { Id = id, BounceTs = bounced.BounceTs, BounceType = type, BounceCode = code, BounceReason = bounced.BounceReason }, report with { Other = null });
        Assert.Null(report.Other);

        // The report went from the inbox to Processed.
        await using var imap = await StackMailboxAsync(stack);
        await WaitInFolderAsync(imap, to, Processed);
        Assert.Empty(await imap.FindAsync(to, "INBOX", Cancellation));
    }

    // catalog: B04
    // catalog: B13
    // catalog: B14
    // catalog: B18
    [Fact]
    public async Task Several_reports_in_one_go_each_reach_their_own_message_by_envelope_id_tracking_header_or_message_id()
    {
        var tenantId = NewId("several");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var messages = Enumerable.Range(1, 3).Select(n => (Id: NewId($"s{n}"), To: sink.NewAddress($"several-{n}"))).ToList();
        await tenant.AddMessagesAsync([.. messages.Select(m => OutgoingMessage.For(tenantId, m.Id, m.To))]);
        foreach (var (id, _) in messages)
        {
            await WaitForStatusAsync(tenant, tenantId, id, s => s == MessageStatus.Sent);
        }

        // The third report carries nothing but the Message-ID the proxy gave the mail.
        var delivered = await sink.WaitForMessageAsync(MailSinkClient.To(messages[2].To), TimeSpan.FromSeconds(30), Cancellation);
        await using var imap = await StackMailboxAsync(stack);
        await imap.AppendAsync(
        [
            BounceReportBuilder.Hard(messages[0].To).WithTrackingId(messages[0].Id).Build(),
            BounceReportBuilder.Soft(messages[1].To).WithEnvelopeId(BounceEnvelopeId.Format(new(tenantId, messages[1].Id))!).Build(),
            BounceReportBuilder.Hard(messages[2].To).WithMessageId(delivered.MessageID).Build(),
        ], cancellationToken: Cancellation);

        var expected = new[] { ("hard", "511"), ("soft", "422"), ("hard", "511") };
        for (var i = 0; i < messages.Count; i++)
        {
            var bounced = await WaitForStatusAsync(tenant, tenantId, messages[i].Id, s => s == MessageStatus.Bounced);
            Assert.Equal(expected[i], (bounced.BounceType!, bounced.BounceCode!));
            await WaitInFolderAsync(imap, messages[i].To, Processed);
        }
    }

    // catalog: B13
    [Fact]
    public async Task The_same_report_again_changes_nothing_and_a_soft_one_after_a_hard_one_does_not_downgrade()
    {
        var tenantId = NewId("again");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var id = NewId("a");
        var to = sink.NewAddress("again");
        await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, id, to));
        await WaitForStatusAsync(tenant, tenantId, id, s => s == MessageStatus.Sent);
        await using var imap = await StackMailboxAsync(stack);
        using var echo = _proxy.Echo("echo-tenant1");

        await imap.AppendAsync(BounceReportBuilder.Hard(to).WithTrackingId(id).Build(), cancellationToken: Cancellation);
        var first = await WaitForStatusAsync(tenant, tenantId, id, s => s == MessageStatus.Bounced);
        await WaitForBounceReportAsync(echo, id);

        await imap.AppendAsync([BounceReportBuilder.Hard(to).WithTrackingId(id).Build(), BounceReportBuilder.Soft(to).WithTrackingId(id).Build()], cancellationToken: Cancellation);
        await WaitInFolderAsync(imap, to, Processed, count: 3);

        var after = (await tenant.FindMessageAsync(tenantId, id, Cancellation))!;
        Assert.Equal((MessageStatus.Bounced, (string?)"hard", (string?)"511", first.BounceReason, first.BounceTs), (after.Status, after.BounceType, after.BounceCode, after.BounceReason, after.BounceTs));
        Assert.Single(after.History!, e => e.EventType == "bounced");
        using (var admin = await _proxy.AdminAsync())
        {
            await admin.RunNowAsync();
        }

        await Eventually.NeverAsync(async c => (await BounceReportsAsync(echo, id, c)).Count > 1, TimeSpan.FromSeconds(2), "a second bounce report for the message");
    }

    [Fact]
    public async Task A_report_naming_another_tenants_message_an_ambiguous_id_or_no_id_is_attached_to_nothing()
    {
        var tenantA = NewId("ta");
        var tenantB = NewId("tb");
        using var a = _proxy.Client(await _proxy.CreateTenantAsync(tenantA));
        using var b = _proxy.Client(await _proxy.CreateTenantAsync(tenantB));
        using var sink = _proxy.Sink("sink-tenant1");
        var shared = NewId("shared");
        var onlyB = NewId("onlyb");
        await a.AddMessagesAsync(OutgoingMessage.For(tenantA, shared, sink.NewAddress("shared-a")));
        await b.AddMessagesAsync(OutgoingMessage.For(tenantB, shared, sink.NewAddress("shared-b")), OutgoingMessage.For(tenantB, onlyB, sink.NewAddress("only-b")));
        foreach (var (client, tenantId, id) in new[] { (a, tenantA, shared), (b, tenantB, shared), (b, tenantB, onlyB) })
        {
            await WaitForStatusAsync(client, tenantId, id, s => s == MessageStatus.Sent);
        }

        var ambiguous = sink.NewAddress("ambiguous");
        var otherTenants = sink.NewAddress("other-tenant");
        var noId = sink.NewAddress("no-id");
        await using var imap = await StackMailboxAsync(stack);
        await imap.AppendAsync(
        [
            // The tracking header alone names no tenant, and two have this id.
            BounceReportBuilder.Hard(ambiguous).WithTrackingId(shared).Build(),
            // An envelope id naming tenant A with tenant B's message id.
            BounceReportBuilder.Hard(otherTenants).WithEnvelopeId(BounceEnvelopeId.Format(new(tenantA, onlyB))!).WithTrackingId(onlyB).Build(),
            // Nothing at all: a Message-ID the proxy never made.
            BounceReportBuilder.Hard(noId).Build(),
        ], cancellationToken: Cancellation);

        foreach (var address in new[] { ambiguous, otherTenants, noId })
        {
            await WaitInFolderAsync(imap, address, Unrecognized);
        }

        // Each report was handled (in Unrecognized) before this: nothing can change any more.
        Assert.Equal(MessageStatus.Sent, (await a.FindMessageAsync(tenantA, shared, Cancellation))!.Status);
        Assert.Equal(MessageStatus.Sent, (await b.FindMessageAsync(tenantB, shared, Cancellation))!.Status);
        Assert.Equal(MessageStatus.Sent, (await b.FindMessageAsync(tenantB, onlyB, Cancellation))!.Status);
    }

    [Fact]
    public async Task A_malformed_report_and_a_10_MB_one_do_not_stop_the_receiver()
    {
        var tenantId = NewId("broken");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var big = (Id: NewId("big"), To: sink.NewAddress("big"));
        var after = (Id: NewId("after"), To: sink.NewAddress("after"));
        await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, big.Id, big.To), OutgoingMessage.For(tenantId, after.Id, after.To));
        await WaitForStatusAsync(tenant, tenantId, big.Id, s => s == MessageStatus.Sent);
        await WaitForStatusAsync(tenant, tenantId, after.Id, s => s == MessageStatus.Sent);

        var original = new MimeMessage { Subject = "a large mail" };
        original.From.Add(MailboxAddress.Parse("app@example.test"));
        original.To.Add(MailboxAddress.Parse(big.To));
        var body = new BodyBuilder { TextBody = "see attachment" };
        body.Attachments.Add("large.bin", new byte[10 * 1024 * 1024]);
        original.Body = body.ToMessageBody();
        var marker = Guid.NewGuid().ToString("N");
        await using var imap = await StackMailboxAsync(stack);
        await imap.AppendAsync(
        [
            Malformed(marker),
            BounceReportBuilder.Hard(big.To).WithOriginal(original).WithTrackingId(big.Id).Build(),
            BounceReportBuilder.Hard(after.To).WithTrackingId(after.Id).Build(),
        ], cancellationToken: Cancellation);

        await WaitInFolderAsync(imap, marker, Unrecognized, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal("hard", (await WaitForStatusAsync(tenant, tenantId, big.Id, s => s == MessageStatus.Bounced)).BounceType);
        Assert.Equal("hard", (await WaitForStatusAsync(tenant, tenantId, after.Id, s => s == MessageStatus.Bounced)).BounceType);
    }
}
