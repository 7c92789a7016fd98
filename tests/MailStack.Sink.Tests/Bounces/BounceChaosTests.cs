using System.Diagnostics;
using MimeKit;
using static MailStack.Sink.Tests.Bounces.BounceReports;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Bounces;

/// <summary>
/// The chaos action <c>bounce</c>: the sink accepts, then returns an RFC 3464 report to the envelope
/// sender. With no route configured the sink keeps the report itself, so these tests read it back
/// through the API (the routes have their own tests).
/// </summary>
public sealed class BounceChaosTests
{
    private static Task<Hosting.MailSink> StartBouncingSinkAsync(params ChaosRule[] rules) =>
        StartSinkAsync(o => o.Chaos = new ChaosSettings { Preset = "address_rules", Rules = [.. rules] });

    private static string Unique(string domain) => $"x-{Guid.NewGuid():N}@{domain}";

    // catalog: B08
    [Fact]
    public async Task Address_rule_bounce_hard_returns_a_failed_5_1_1_report_with_the_whole_message()
    {
        await using var sink = await StartBouncingSinkAsync();
        using var api = ClientFor(sink);
        var sender = api.NewAddress("hard-sender");
        var bounced = Unique("bounce-hard.example");
        var delivered = api.NewAddress("hard-other");

        var accepted = await SendRawAsync(sink, $"<{sender}>", [$"<{bounced}>", $"<{delivered}>"], "hard-1");

        var (stored, report) = await WaitForReportAsync(api, sender);
        Assert.Equal("", stored.Envelope!.From);
        Assert.Equal([sender], stored.Envelope.Recipients.Select(r => r.Address));
        Assert.Equal("MAILER-DAEMON@mailstack-sink", report.From.Mailboxes.Single().Address);
        Assert.Equal(sender, report.To.Mailboxes.Single().Address);
        Assert.Equal("Undelivered Mail Returned to Sender", report.Subject);
        Assert.Equal("auto-replied", report.Headers["Auto-Submitted"]);
        var (perMessage, perRecipient, returned) = Dissect(report);
        Assert.Equal(["Reporting-MTA", "Arrival-Date"], perMessage.Select(h => h.Field));
        Assert.Equal("dns; mailstack-sink", perMessage["Reporting-MTA"]);
        Assert.True(MimeKit.Utils.DateUtils.TryParse(perMessage["Arrival-Date"], out var arrival));
        Assert.InRange(arrival, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var recipient = Assert.Single(perRecipient); // the delivered recipient is not reported
        Assert.Equal(
            [("Final-Recipient", $"rfc822; {bounced}"), ("Action", "failed"), ("Status", "5.1.1"), ("Diagnostic-Code", $"smtp; 550 5.1.1 <{bounced}>: user unknown")],
            Fields(recipient));
        var original = Assert.IsType<MessagePart>(returned).Message!;
        Assert.Equal("message/rfc822", returned.ContentType.MimeType);
        Assert.Equal("hard-1@app.example.test", original.MessageId);
        Assert.Equal("hard-1", original.Headers["X-MailStack-ID"]);
        Assert.Equal("The body of hard-1.", original.TextBody?.Trim());
        Assert.Contains($"<{bounced}>: smtp; 550 5.1.1", report.TextBody, StringComparison.Ordinal);
        // The message itself was accepted and stored.
        Assert.Equal(accepted["250 2.0.0 Ok: queued as ".Length..], (await api.WaitForMessageAsync(MailSinkClient.To(delivered), cancellationToken: Cancellation)).ID);
    }

    [Fact]
    public async Task Address_rule_bounce_soft_returns_a_failed_4_2_2_mailbox_full_report()
    {
        await using var sink = await StartBouncingSinkAsync();
        using var api = ClientFor(sink);
        var sender = api.NewAddress("soft-sender");
        var bounced = Unique("bounce-soft.example");

        await SendRawAsync(sink, $"<{sender}>", [$"<{bounced}>"], "soft-1");

        var (_, report) = await WaitForReportAsync(api, sender);
        Assert.Equal("Undelivered Mail Returned to Sender", report.Subject);
        Assert.Equal(
            [("Final-Recipient", $"rfc822; {bounced}"), ("Action", "failed"), ("Status", "4.2.2"), ("Diagnostic-Code", $"smtp; 452 4.2.2 <{bounced}>: mailbox full")],
            Fields(Assert.Single(Dissect(report).PerRecipient)));
    }

    [Fact]
    public async Task A_delayed_rule_returns_an_action_delayed_warning()
    {
        await using var sink = await StartBouncingSinkAsync(new ChaosRule
        {
            Stage = ChaosStage.Rcpt,
            Action = ChaosAction.Bounce,
            AddressPattern = @"@slow\.example$",
            Bounce = new ChaosBounce { Type = BounceType.Delayed },
        });
        using var api = ClientFor(sink);
        var sender = api.NewAddress("delayed-sender");
        var late = Unique("slow.example");

        await SendRawAsync(sink, $"<{sender}>", [$"<{late}>"], "delayed-1");

        var (_, report) = await WaitForReportAsync(api, sender);
        Assert.Equal("Delayed Mail (still being retried)", report.Subject);
        Assert.Equal(
            [("Final-Recipient", $"rfc822; {late}"), ("Action", "delayed"), ("Status", "4.4.1"), ("Diagnostic-Code", $"smtp; 451 4.4.1 <{late}>: connection timed out, will retry")],
            Fields(Assert.Single(Dissect(report).PerRecipient)));
    }

    [Fact]
    public async Task A_rule_gives_any_status_and_diagnostic()
    {
        await using var sink = await StartBouncingSinkAsync(new ChaosRule
        {
            Stage = ChaosStage.Rcpt,
            Action = ChaosAction.Bounce,
            AddressPattern = @"@policy\.example$",
            Bounce = new ChaosBounce { Status = "5.7.1", Diagnostic = "smtp; 554 5.7.1 Message rejected as spam" },
        });
        using var api = ClientFor(sink);
        var sender = api.NewAddress("custom-sender");
        var refused = Unique("policy.example");

        await SendRawAsync(sink, $"<{sender}>", [$"<{refused}>"], "custom-1");

        var (_, report) = await WaitForReportAsync(api, sender);
        Assert.Equal(
            [("Final-Recipient", $"rfc822; {refused}"), ("Action", "failed"), ("Status", "5.7.1"), ("Diagnostic-Code", "smtp; 554 5.7.1 Message rejected as spam")],
            Fields(Assert.Single(Dissect(report).PerRecipient)));
    }

    [Fact]
    public async Task Envid_and_orcpt_are_echoed_and_ret_hdrs_returns_only_the_header()
    {
        await using var sink = await StartBouncingSinkAsync();
        using var api = ClientFor(sink);
        var sender = api.NewAddress("hdrs-sender");
        var bounced = Unique("bounce-hard.example");

        await SendRawAsync(sink, $"<{sender}> RET=HDRS ENVID=tenant1+3Ahdrs-1", [$"<{bounced}> NOTIFY=FAILURE ORCPT=rfc822;list+2Bmember@example.test"], "hdrs-1");

        var (_, report) = await WaitForReportAsync(api, sender);
        var (perMessage, perRecipient, returned) = Dissect(report);
        Assert.Equal(["Reporting-MTA", "Original-Envelope-Id", "Arrival-Date"], perMessage.Select(h => h.Field));
        Assert.Equal("tenant1:hdrs-1", perMessage["Original-Envelope-Id"]);
        Assert.Equal(
            [("Final-Recipient", $"rfc822; {bounced}"), ("Original-Recipient", "rfc822;list+member@example.test"), ("Action", "failed"), ("Status", "5.1.1"), ("Diagnostic-Code", $"smtp; 550 5.1.1 <{bounced}>: user unknown")],
            Fields(Assert.Single(perRecipient)));
        var headers = Assert.IsType<TextRfc822Headers>(returned);
        Assert.NotNull(headers.Message);
        Assert.Equal("text/rfc822-headers", headers.ContentType.MimeType);
        Assert.Equal("hdrs-1", headers.Message.Headers["X-MailStack-ID"]);
        Assert.Equal("<hdrs-1@app.example.test>", headers.Message.Headers["Message-ID"]);
        using var returnedText = new MemoryStream();
        await headers.Message.WriteToAsync(returnedText, Cancellation);
        Assert.DoesNotContain("The body of hdrs-1", System.Text.Encoding.UTF8.GetString(returnedText.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_report_for_a_null_sender_or_a_notify_that_does_not_ask_for_it()
    {
        await using var sink = await StartBouncingSinkAsync();
        using var api = ClientFor(sink);
        var never = api.NewAddress("notify-never");
        var successOnly = api.NewAddress("notify-success");
        var control = api.NewAddress("notify-control");

        await SendRawAsync(sink, "<>", [$"<{Unique("bounce-hard.example")}>"], "null-sender");
        await SendRawAsync(sink, $"<{never}>", [$"<{Unique("bounce-hard.example")}> NOTIFY=NEVER"], "never");
        await SendRawAsync(sink, $"<{successOnly}>", [$"<{Unique("bounce-hard.example")}> NOTIFY=SUCCESS,DELAY"], "success-only");
        await SendRawAsync(sink, $"<{control}>", [$"<{Unique("bounce-hard.example")}> NOTIFY=FAILURE"], "control");

        // Reports leave in order: once the last one is there, the others would have been too.
        await WaitForReportAsync(api, control);
        Assert.Empty(await api.SearchAsync(MailSinkClient.To(never), cancellationToken: Cancellation));
        Assert.Empty(await api.SearchAsync(MailSinkClient.To(successOnly), cancellationToken: Cancellation));
        var reports = await api.SearchAsync("from:MAILER-DAEMON@mailstack-sink", cancellationToken: Cancellation);
        Assert.Equal([control], reports.Select(r => r.To.Single().Address));
    }

    [Fact]
    public async Task Every_nth_selects_which_messages_bounce()
    {
        await using var sink = await StartSinkAsync(o => o.Chaos = new ChaosSettings
        {
            Rules = [new ChaosRule { Stage = ChaosStage.Rcpt, Action = ChaosAction.Bounce, EveryNth = 2 }],
        });
        using var api = ClientFor(sink);
        var senders = Enumerable.Range(1, 4).Select(i => api.NewAddress($"nth-{i}")).ToArray();

        foreach (var sender in senders)
        {
            await SendRawAsync(sink, $"<{sender}>", [$"<{api.NewAddress("nth-to")}>"], $"nth-{Array.IndexOf(senders, sender)}");
        }

        await WaitForReportAsync(api, senders[3]);
        var reported = (await api.SearchAsync("from:MAILER-DAEMON@mailstack-sink", cancellationToken: Cancellation)).Select(r => r.To.Single().Address).Order();
        Assert.Equal(new[] { senders[1], senders[3] }.Order(), reported);
    }

    [Fact]
    public async Task A_data_end_rule_bounces_every_recipient_in_one_report()
    {
        await using var sink = await StartSinkAsync(o => o.Chaos = new ChaosSettings
        {
            Rules = [new ChaosRule { Stage = ChaosStage.DataEnd, Action = ChaosAction.Bounce, AddressPattern = "^all-bounce-", Bounce = new ChaosBounce { Type = BounceType.Soft } }],
        });
        using var api = ClientFor(sink);
        var sender = api.NewAddress("all-bounce");
        var recipients = new[] { api.NewAddress("all-a"), api.NewAddress("all-b") };

        await SendRawAsync(sink, $"<{sender}>", recipients.Select(r => $"<{r}>"), "all-1");

        var (_, report) = await WaitForReportAsync(api, sender);
        Assert.Equal(recipients.Select(r => $"rfc822; {r}"), Dissect(report).PerRecipient.Select(g => g["Final-Recipient"]));
        Assert.All(Dissect(report).PerRecipient, g => Assert.Equal("4.2.2", g["Status"]));
    }

    [Fact]
    public async Task A_delayed_bounce_is_sent_after_delay_milliseconds()
    {
        await using var sink = await StartSinkAsync(o => o.Chaos = new ChaosSettings
        {
            Rules = [new ChaosRule { Stage = ChaosStage.Rcpt, Action = ChaosAction.Bounce, DelayMilliseconds = 1500 }],
        });
        using var api = ClientFor(sink);
        var sender = api.NewAddress("later");
        var clock = Stopwatch.StartNew();

        await SendRawAsync(sink, $"<{sender}>", [$"<{api.NewAddress("later-to")}>"], "later-1");
        var acceptedAfter = clock.Elapsed;

        await WaitForReportAsync(api, sender);
        Assert.True(acceptedAfter < TimeSpan.FromMilliseconds(1500), $"the 250 came after {acceptedAfter.TotalMilliseconds} ms: the delay must not hold up the session");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1500), $"the report came after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData("""{"Rules":[{"Stage":"connect","Action":"bounce"}]}""", "a bounce rule needs Stage mail, rcpt, data or data-end")]
    [InlineData("""{"Rules":[{"Stage":"rcpt","Action":"bounce","Bounce":{"Status":"9.9"}}]}""", "Bounce.Status '9.9' is not an RFC 3463 status (class.subject.detail, e.g. 5.1.1)")]
    [InlineData("""{"Rules":[{"Stage":"rcpt","Action":"reply","Bounce":{}}]}""", "Bounce is only for rules with Action bounce")]
    public async Task Chaos_api_refuses_a_bad_bounce_rule(string body, string error)
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };

        using var put = await http.PutAsync("api/v1/chaos", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        // Mailpit answers its API's errors as text/plain.
        Assert.Equal("text/plain", put.Content.Headers.ContentType?.MediaType);
        Assert.Equal(error, await put.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Chaos_api_takes_and_shows_a_bounce_rule()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var rule = new ChaosRule { Stage = ChaosStage.Rcpt, Action = ChaosAction.Bounce, AddressPattern = "@x\\.", DelayMilliseconds = 10, Bounce = new ChaosBounce { Type = BounceType.Delayed, Status = "4.4.7" } };

        await api.SetChaosAsync(new ChaosSettings { Rules = [rule] }, Cancellation);

        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        var shown = await http.GetFromJsonAsync<JsonElement>("api/v1/chaos", Cancellation);
        var bounce = shown.GetProperty("Rules")[0];
        Assert.Equal("bounce", bounce.GetProperty("Action").GetString());
        Assert.Equal("delayed", bounce.GetProperty("Bounce").GetProperty("Type").GetString());
        Assert.Equal("4.4.7", bounce.GetProperty("Bounce").GetProperty("Status").GetString());
    }
}
