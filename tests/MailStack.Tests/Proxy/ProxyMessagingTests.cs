using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>Enqueue over HTTP, delivery over SMTP into the tenant's sink, reports to the tenant's echo server.</summary>
public sealed class ProxyMessagingTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    private MailSinkClient Sink(string name) => _proxy.Sink(name);

    /// <summary>This class's messages: from a named sender, with a body naming the subject.</summary>
    private static OutgoingMessage Message(string tenantId, string id, string to, string subject) =>
        OutgoingMessage.For(tenantId, id, to, subject, $"body of {subject}") with { From = "App <app@example.test>" };

    [Fact]
    public async Task A_message_is_delivered_to_the_tenants_sink_with_headers_and_reported_to_its_endpoint()
    {
        var tenantId = NewId("deliver");
        var key = await _proxy.CreateTenantAsync(tenantId);
        using var tenant = _proxy.Client(key);
        using var sink1 = Sink("sink-tenant1");
        using var sink2 = Sink("sink-tenant2");
        var to = sink1.NewAddress("proxy-deliver");
        var cc = sink1.NewAddress("proxy-cc");
        var bcc = sink1.NewAddress("proxy-bcc");

        var added = await tenant.AddMessagesAsync(Message(tenantId, "m1", to, "Grüße ✓") with
        {
            Cc = [cc],
            Bcc = bcc,
            Html = "<p>html part</p>",
            Headers = new Dictionary<string, object> { ["X-Campaign"] = "spring", ["X-Count"] = 3 },
        });
        Assert.Equal(1, added.Queued);
        Assert.Empty(added.Rejected);

        var delivered = await sink1.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal("Grüße ✓", delivered.Subject);
        Assert.Equal("body of Grüße ✓", delivered.Text.Trim());
        Assert.Equal("<p>html part</p>", delivered.HTML.Trim());
        Assert.Equal(cc, Assert.Single(delivered.Cc).Address);
        var raw = System.Text.Encoding.UTF8.GetString(await sink1.GetRawAsync(delivered.ID, Cancellation));
        Assert.Contains("X-MailStack-ID: m1\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("X-Campaign: spring\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("X-Count: 3\r\n", raw, StringComparison.Ordinal);
        // The sink puts Return-Path and, like Mailpit, envelope recipients that no header names as
        // Bcc in front of what it received: the Bcc line there proves the proxy's headers never named
        // the address, and what follows is the proxy's message, byte for byte.
        // The envelope sender is the stack's bounce mailbox (the instance's bounce_return_path), so bounces reach the proxy.
        var sinkPrefix = System.Text.RegularExpressions.Regex.Match(raw, $"^Return-Path: <bounces@mailstack.test>\r\nBcc: {System.Text.RegularExpressions.Regex.Escape(bcc)}\r\n");
        Assert.True(sinkPrefix.Success, raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)]);
        var sent = raw[sinkPrefix.Length..];
        Assert.DoesNotContain(bcc, sent, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\nBcc:", sent, StringComparison.OrdinalIgnoreCase);
        Assert.Single(await sink1.SearchAsync(MailSinkClient.To(bcc), cancellationToken: Cancellation));
        Assert.Empty(await sink2.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation));

        var record = await WaitForStatusAsync(tenant, tenantId, "m1", s => s == MessageStatus.Sent);
        Assert.True(record.SentTs > 0);
        Assert.Equal("sent", record.History![0].EventType);

        var report = await _proxy.WaitForReportAsync("echo-tenant1", "m1", tenantId);
        Assert.True(report.SentTs > 0);
        // Exactly {id, sent_ts}.
        Assert.Equal(new DeliveryReportItem { Id = "m1", SentTs = report.SentTs }, report with { Other = null });
        Assert.Null(report.Other);
    }

    [Fact]
    public async Task Unicode_names_filenames_and_an_internationalized_address_arrive_intact()
    {
        var tenantId = NewId("unicode");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = Sink("sink-tenant1");
        // A UTF-8 local part needs SMTPUTF8, which the sink offers.
        var to = $"zoë-{Guid.NewGuid():N}@{sink.Domain}";
        var content = "Grüße aus Köln ✓"u8.ToArray();

        await tenant.AddMessagesAsync(Message(tenantId, "u1", $"Zoë Ünïcødé <{to}>", "Ünïcødé ✓") with
        {
            From = "Renée Müller <renee@example.test>",
            Attachments = [OutgoingAttachment.Inline("résumé ✓.txt", content, "text/plain")],
        });

        var delivered = await sink.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal("Ünïcødé ✓", delivered.Subject);
        Assert.Equal("Renée Müller", delivered.From.Name);
        Assert.Equal("Zoë Ünïcødé", Assert.Single(delivered.To).Name);
        var attachment = Assert.Single(delivered.Attachments);
        Assert.Equal("résumé ✓.txt", attachment.FileName);
        using var raw = new MemoryStream(await sink.GetRawAsync(delivered.ID, Cancellation));
        var mime = await MimeKit.MimeMessage.LoadAsync(raw, Cancellation);
        var part = Assert.IsAssignableFrom<MimeKit.MimePart>(mime.Attachments.Single());
        using var decoded = new MemoryStream();
        await part.Content!.DecodeToAsync(decoded, Cancellation);
        Assert.Equal(content, decoded.ToArray());
    }

    [Fact]
    public async Task The_trace_of_the_add_messages_request_continues_into_the_mail_sent()
    {
        var tenantId = NewId("trace");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = Sink("sink-tenant1");
        var to = sink.NewAddress("proxy-trace");
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/add-messages")
        {
            Content = JsonContent.Create(new { messages = new[] { Message(tenantId, "t1", to, "traced") } }, options: ProxyJson.Options),
        };
        // The caller's span is current too: when this process instruments HttpClient (the in-process proxies of
        // other tests register OpenTelemetry here), the header it writes then still carries this trace.
        using var caller = new System.Diagnostics.Activity("test request")
            .SetParentId(traceId, System.Diagnostics.ActivitySpanId.CreateRandom(), System.Diagnostics.ActivityTraceFlags.Recorded).Start();
        request.Headers.Add("traceparent", caller.Id);

        using var response = await tenant.SendAsync(request, Cancellation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancellation));

        // The SMTP send is a span of the request's trace, and the mail carries it on to the receiver.
        var delivered = await sink.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation);
        var raw = System.Text.Encoding.UTF8.GetString(await sink.GetRawAsync(delivered.ID, Cancellation));
        Assert.Matches($"\r\ntraceparent: 00-{traceId}-[0-9a-f]{{16}}-01\r\n", raw);
    }

    [Fact]
    public async Task Demo_tenants_are_seeded_with_accounts_on_their_sinks_and_echo_endpoints()
    {
        using var admin = await _proxy.AdminAsync();
        foreach (var (tenantId, sink, echo) in new[] { ("tenant1", "sink-tenant1", "echo-tenant1"), ("tenant2", "sink-tenant2", "echo-tenant2") })
        {
            var tenant = await Eventually.GetAsync(async cancellation =>
            {
                using var response = await admin.GetAsync($"/tenant/{tenantId}", cancellation);
                return response.IsSuccessStatusCode ? await response.ReadAsync<TenantRecord>() : null;
            }, $"demo tenant {tenantId}");
            Assert.Equal(_proxy.EchoUrl(echo), tenant.ClientBaseUrl!.TrimEnd('/'));
            var accounts = await admin.ListAccountsAsync(tenantId);
            Assert.Equal(stack.App.GetEndpoint(sink, "smtp").Port, accounts[0].Port);
        }
    }

    [Fact]
    public async Task Invalid_messages_are_rejected_with_their_reasons_and_valid_ones_queued()
    {
        var tenantId = NewId("reject");
        var key = await _proxy.CreateTenantAsync(tenantId);
        using var tenant = _proxy.Client(key);
        using var sink = Sink("sink-tenant1");
        var to = sink.NewAddress("proxy-valid");

        var added = await tenant.AddMessagesAsync(
            Message(tenantId, "ok", to, "valid"),
            OutgoingMessage.For(tenantId, "no-subject", to) with { From = "a@example.test", Subject = null },
            OutgoingMessage.For(tenantId, "no-to", null!, "s") with { From = "a@example.test" },
            Message(tenantId, "ok", to, "duplicate"),
            OutgoingMessage.For(tenantId, "bad-account", to, "s") with { From = "a@example.test", AccountId = "nope" });

        Assert.Equal(1, added.Queued);
        var reasons = added.Rejected.ToDictionary(r => r.Id!, r => r.Reason);
        Assert.Equal("missing subject", reasons["no-subject"]);
        Assert.Equal("missing to", reasons["no-to"]);
        Assert.Equal("duplicate id in batch", reasons["ok"]);
        Assert.Equal("account not found for tenant", reasons["bad-account"]);
        await sink.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation);
        await WaitForStatusAsync(tenant, tenantId, "ok", s => s == MessageStatus.Sent);

        using var again = await tenant.PostAsJsonAsync("/commands/add-messages", new { messages = new[] { Message(tenantId, "ok", to, "resend") } }, Cancellation);
        var againBody = await JsonAsync(again);
        // catalog: M10 — all already sent is no failure (genro v0.6.9).
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(0, againBody.GetProperty("queued").GetInt32());
        Assert.Equal("already sent", againBody.GetProperty("rejected")[0].GetProperty("reason").GetString());
    }

    // A NUL is valid JSON, but PostgreSQL's text cannot hold one: it answered the whole request with a 500.
    [Fact]
    public async Task A_nul_character_in_an_id_or_an_account_is_rejected_with_a_reason()
    {
        var tenantId = NewId("nul-id");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = Sink("sink-tenant1");
        var to = sink.NewAddress("proxy-nul-id");

        var added = await tenant.AddMessagesAsync(
            Message(tenantId, "ok", to, "valid"),
            Message(tenantId, "bad\0id", to, "nul in id"),
            Message(tenantId, "bad-account", to, "nul in account") with { AccountId = "ma\0in" });

        Assert.Equal(1, added.Queued);
        Assert.Equal(
            [new RejectedMessage("bad\0id", "invalid id: contains a NUL character"), new RejectedMessage("bad-account", "invalid account_id: contains a NUL character")],
            added.Rejected);
    }

    [Fact]
    public async Task A_rejected_item_with_an_id_is_recorded_as_an_error_and_reported_as_genro_does()
    {
        var tenantId = NewId("refused");
        var path = $"/sync/{tenantId}";
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, syncPath: path));
        using var sink = Sink("sink-tenant1");
        var to = sink.NewAddress("proxy-refused");
        // Waiting an hour: a rejected version of its id replaces it below.
        await tenant.AddMessagesAsync(Message(tenantId, "held", to, "held") with { DeferredTs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });

        var added = await tenant.AddMessagesAsync(
            Message(tenantId, "ok", to, "valid"),
            OutgoingMessage.For(tenantId, "no-subject", to) with { Subject = null },
            OutgoingMessage.For(tenantId, "bad-to", "nobody"),
            OutgoingMessage.For(tenantId, "bad-account", to) with { AccountId = "nope" },
            OutgoingMessage.For(tenantId, "", to),
            Message(tenantId, "ok", to, "duplicate"),
            OutgoingMessage.For(tenantId, "held", to) with { Subject = null });

        Assert.Equal(1, added.Queued);
        Assert.Equal(
            [
                new RejectedMessage("no-subject", "missing subject"),
                new RejectedMessage("bad-to", "invalid to: nobody"),
                new RejectedMessage("", "missing id"),
                new RejectedMessage("ok", "duplicate id in batch"),
                new RejectedMessage("held", "missing subject"),
                new RejectedMessage("bad-account", "account not found for tenant"),
            ],
            added.Rejected);

        // Each rejected id is an error message with the reason as its error and one reported error event;
        // the item without an id is only in the answer, the duplicate left the queued "ok" alone.
        var errors = new Dictionary<string, string>
        {
            ["no-subject"] = "missing subject",
            ["bad-to"] = "invalid to: nobody",
            ["bad-account"] = "account not found for tenant",
            ["held"] = "missing subject",
        };
        foreach (var (id, reason) in errors)
        {
            var record = await WaitForStatusAsync(tenant, tenantId, id, s => s == MessageStatus.Error, reported: true);
            Assert.Equal(reason, record.Error);
            Assert.True(record.ErrorTs > 0);
            var error = Assert.Single(record.History!);
            Assert.Equal(("error", reason, record.ErrorTs!.Value), (error.EventType, error.Description, error.EventTs));
        }

        Assert.Equal("nope", (await tenant.FindMessageAsync(tenantId, "bad-account", Cancellation))!.AccountId);
        await WaitForStatusAsync(tenant, tenantId, "ok", s => s == MessageStatus.Sent);
        Assert.Equal(["bad-account", "bad-to", "held", "no-subject", "ok"],
            (await ListMessagesAsync(tenant, tenantId, Cancellation)).Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal("valid", Assert.Single(await sink.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Subject);

        using var echo = _proxy.Echo("echo-tenant1");
        var reported = await Eventually.GetAsync(async c =>
        {
            var items = (await echo.ReportsAsync(path, c)).SelectMany(report => report).Where(item => item.ErrorTs is not null).ToList();
            return items.Count >= errors.Count ? items : null;
        }, "the error reports at the tenant's endpoint");
        Assert.Equal(errors.OrderBy(e => e.Key, StringComparer.Ordinal), reported.Select(i => KeyValuePair.Create(i.Id, i.Error!)).OrderBy(e => e.Key, StringComparer.Ordinal));

        // An id already sent is left alone: the request fails (nothing queued) and "ok" stays sent with its one event.
        using var again = await tenant.PostAsJsonAsync("/commands/add-messages", new { messages = new[] { OutgoingMessage.For(tenantId, "ok", to) with { Subject = null } } }, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("missing subject", (await JsonAsync(again)).GetProperty("detail").GetProperty("rejected")[0].GetProperty("reason").GetString());
        var sent = (await tenant.FindMessageAsync(tenantId, "ok", Cancellation))!;
        Assert.Equal(MessageStatus.Sent, sent.Status);
        Assert.Equal(["sent"], sent.History!.Select(e => e.EventType));
    }

    [Fact]
    public async Task More_than_1000_messages_are_refused_whole()
    {
        var tenantId = NewId("limit");
        var key = await _proxy.CreateTenantAsync(tenantId);
        using var tenant = _proxy.Client(key);
        var messages = Enumerable.Range(0, 1001).Select(i => Message(tenantId, $"m{i}", "x@example.test", "s")).ToArray();
        using var response = await tenant.PostAsJsonAsync("/commands/add-messages", new { messages }, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 1000", (await JsonAsync(response)).GetProperty("detail").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await tenant.ListMessagesAsync(tenantId, "", Cancellation)).Messages);
    }

    [Fact]
    public async Task A_550_from_the_server_marks_the_message_error_with_the_smtp_text()
    {
        var (tenantId, tenant, sink, to) = await FaultyRecipientAsync("hard", "proxy-550", 550, "5.1.1", "no such user");
        using var _ = tenant;
        using var __ = sink;

        await tenant.AddMessagesAsync(Message(tenantId, "hard", to, "will bounce"));
        var record = await WaitForStatusAsync(tenant, tenantId, "hard", s => s == MessageStatus.Error);

        Assert.Equal("5.1.1 no such user (SMTP 550)", record.Error);
        var report = await _proxy.WaitForReportAsync("echo-tenant2", "hard", tenantId);
        Assert.Equal("5.1.1 no such user (SMTP 550)", report.Error);
    }

    [Fact]
    public async Task A_451_defers_the_message_counting_retries_and_it_is_sent_once_the_fault_is_lifted()
    {
        var (tenantId, tenant, sink, to) = await FaultyRecipientAsync("soft", "proxy-451", 451, "4.3.0", "try later");
        using var _ = tenant;
        using var __ = sink;

        await tenant.AddMessagesAsync(Message(tenantId, "soft", to, "deferred"));
        var deferred = await WaitForStatusAsync(tenant, tenantId, "soft", s => s == MessageStatus.Deferred);
        Assert.True(deferred.RetryCount >= 1);
        var report = await _proxy.WaitForReportAsync("echo-tenant2", "soft", tenantId);
        Assert.Equal("4.3.0 try later (SMTP 451)", report.DeferredReason);

        await SetRecipientRuleAsync("sink-tenant2", to, null, "", "");
        var sent = await WaitForStatusAsync(tenant, tenantId, "soft", s => s == MessageStatus.Sent);
        Assert.True(sent.RetryCount >= 1);
        Assert.Equal("deferred", (await sink.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Subject);
    }

    [Fact]
    public async Task A_server_that_keeps_answering_451_ends_in_error_after_the_max_retries()
    {
        var (tenantId, tenant, sink, to) = await FaultyRecipientAsync("retries", "proxy-retries", 451, "4.3.0", "still busy");
        using var _ = tenant;
        using var __ = sink;

        await tenant.AddMessagesAsync(Message(tenantId, "busy", to, "never"));
        var record = await WaitForStatusAsync(tenant, tenantId, "busy", s => s == MessageStatus.Error);

        Assert.Equal("Max retries (5) exceeded: 4.3.0 still busy (SMTP 451)", record.Error);
        Assert.Equal(5, record.RetryCount);
        Assert.Empty(await sink.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation));
    }

    /// <summary>
    /// A tenant on sink-tenant2 (reporting to echo-tenant2) and a fresh recipient address for which
    /// that sink answers RCPT with <paramref name="code"/>.
    /// </summary>
    private async Task<(string TenantId, HttpClient Tenant, MailSinkClient Sink, string To)> FaultyRecipientAsync(
        string tenantName, string scenario, int code, string enhanced, string text)
    {
        var tenantId = NewId(tenantName);
        var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink: "sink-tenant2", echo: "echo-tenant2"));
        var sink = Sink("sink-tenant2");
        var to = sink.NewAddress(scenario);
        await SetRecipientRuleAsync("sink-tenant2", to, code, enhanced, text);
        return (tenantId, tenant, sink, to);
    }

    /// <summary>
    /// Sets (or, with a null code, removes) a chaos rule for one unique recipient, so other tests on
    /// the same sink are unaffected. Read-modify-write of the sink's rules: only tests of this class
    /// (which run one at a time) may call it.
    /// </summary>
    private async Task SetRecipientRuleAsync(string sinkName, string address, int? code, string enhanced, string text)
    {
        using var http = new HttpClient { BaseAddress = stack.App.GetEndpoint(sinkName, "http") };
        using var api = new MailSinkClient(http);
        var current = await http.GetFromJsonAsync<ChaosSettings>("api/v1/chaos", SinkJson.Options, Cancellation);
        var pattern = "^" + System.Text.RegularExpressions.Regex.Escape(address) + "$";
        current!.Rules.RemoveAll(r => r.AddressPattern == pattern);
        if (code is { } c)
        {
            current.Rules.Add(new ChaosRule { Stage = ChaosStage.Rcpt, AddressPattern = pattern, Code = c, EnhancedCode = enhanced, Text = text });
        }

        await api.SetChaosAsync(current, Cancellation);
    }
}
