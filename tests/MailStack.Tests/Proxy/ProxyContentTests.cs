using MimeKit;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>What arrives at the tenant's sink is what the tenant asked for: bodies, headers, scripts, hostile text.</summary>
public sealed class ProxyContentTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    /// <summary>Creates a tenant on <paramref name="sink"/>, sends <paramref name="message"/> (addressed to a fresh address there) and returns what arrived.</summary>
    private async Task<(MessageDetail Delivered, MimeMessage Raw, MessageRecord Record)> SendAsync(string name, Func<string, string, OutgoingMessage> message, string sink = "sink-tenant1", string echo = "echo-tenant1")
    {
        var tenantId = NewId(name);
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink, echo));
        using var sinkApi = _proxy.Sink(sink);
        var to = sinkApi.NewAddress(name);
        var outgoing = message(tenantId, to);
        Assert.Equal(1, (await tenant.AddMessagesAsync(outgoing)).Queued);

        var delivered = await sinkApi.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation);
        using var raw = new MemoryStream(await sinkApi.GetRawAsync(delivered.ID, Cancellation));
        var record = await WaitForStatusAsync(tenant, tenantId, outgoing.Id, s => s == MessageStatus.Sent);
        return (delivered, await MimeMessage.LoadAsync(raw, Cancellation), record);
    }

    // catalog: C07
    [Fact]
    public async Task Mail_of_a_tenant_on_sink_2_arrives_there_and_not_in_sink_1()
    {
        var (delivered, _, record) = await SendAsync("tenant2", (tenantId, to) => OutgoingMessage.For(tenantId, "c07", to, "for tenant 2", "hello tenant 2"), "sink-tenant2", "echo-tenant2");

        Assert.Equal("for tenant 2", delivered.Subject);
        Assert.Equal("hello tenant 2", delivered.Text.TrimEnd('\r', '\n'));
        Assert.True(record.SentTs > 0);
        using var sink1 = _proxy.Sink("sink-tenant1");
        Assert.Empty(await sink1.SearchAsync(MailSinkClient.To(delivered.To[0].Address), cancellationToken: Cancellation));
    }

    // catalog: C10
    // catalog: M04
    [Fact]
    public async Task A_body_with_content_type_html_arrives_as_a_single_text_html_part()
    {
        const string html = "<h1>Welcome</h1><p>An <b>HTML</b> body, as genro sends it.</p>";
        var (delivered, raw, _) = await SendAsync("html", (tenantId, to) => OutgoingMessage.For(tenantId, "c10", to, "html body", html) with { ContentType = "html" });

        var part = Assert.IsType<TextPart>(raw.Body);
        Assert.Equal("text/html", part.ContentType.MimeType);
        Assert.Equal(html, part.Text.TrimEnd('\r', '\n'));
        Assert.Equal(html, delivered.HTML.TrimEnd('\r', '\n'));
        Assert.Equal("", delivered.Text);
    }

    // catalog: C11
    [Fact]
    public async Task Reply_to_and_custom_headers_arrive_as_headers()
    {
        var (delivered, raw, _) = await SendAsync("replyto", (tenantId, to) => OutgoingMessage.For(tenantId, "c11", to, "with reply-to") with
        {
            ReplyTo = "Support Desk <support@example.test>",
            Headers = new Dictionary<string, object> { ["X-Campaign-ID"] = "spring-42", ["X-Priority"] = "1" },
        });

        var replyTo = Assert.Single(raw.ReplyTo.Mailboxes);
        Assert.Equal("Support Desk", replyTo.Name);
        Assert.Equal("support@example.test", replyTo.Address);
        Assert.Equal("support@example.test", Assert.Single(delivered.ReplyTo).Address);
        Assert.Equal("spring-42", raw.Headers["X-Campaign-ID"]);
        Assert.Equal("1", raw.Headers["X-Priority"]);
        Assert.Equal("c11", raw.Headers["X-MailStack-ID"]);
    }

    // catalog: A15
    // catalog: A16
    // catalog: A17
    [Theory]
    [InlineData("emoji-subject", "Launch 🚀 party 🎉", "plain body")]
    [InlineData("emoji-body", "emoji body", "Thanks 🙏 see you 👋🏽 soon ❤️")]
    [InlineData("cjk", "日本語の件名 中文主题 한국어 제목", "本文です。这是正文。본문입니다.")]
    [InlineData("arabic", "مرحبا بالعالم", "هذا نص الرسالة باللغة العربية")]
    [InlineData("cyrillic", "Привет, мир", "Это текст письма на русском языке")]
    public async Task Non_latin_subjects_and_bodies_arrive_byte_exact(string name, string subject, string body)
    {
        var (delivered, raw, record) = await SendAsync(name, (tenantId, to) => OutgoingMessage.For(tenantId, name, to, subject, body));

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(subject), System.Text.Encoding.UTF8.GetBytes(delivered.Subject));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(body), System.Text.Encoding.UTF8.GetBytes(raw.TextBody!.TrimEnd('\r', '\n')));
        Assert.Equal(body, delivered.Text.TrimEnd('\r', '\n'));
        // Stored as given, too.
        Assert.Equal(subject, record.Message!.Subject);
        Assert.Equal(body, record.Message.Body);
    }

    // A NUL is valid JSON and valid text; jsonb refuses it ("unsupported Unicode escape sequence"),
    // which answered the whole add-messages with a 500 while the payload was stored as jsonb.
    [Fact]
    public async Task A_body_with_a_nul_character_is_accepted_stored_and_delivered_intact()
    {
        const string body = "before\0after";
        var (delivered, raw, record) = await SendAsync("nul", (tenantId, to) => OutgoingMessage.For(tenantId, "nul", to, "nul in body", body));

        Assert.Equal(body, record.Message!.Body);
        Assert.Equal(body, raw.TextBody!.TrimEnd('\r', '\n'));
        Assert.Equal(body, delivered.Text.TrimEnd('\r', '\n'));
    }

    // catalog: S05
    [Fact]
    public async Task Script_in_subject_and_body_is_stored_and_delivered_literally()
    {
        const string subject = "<script>alert('subject')</script>";
        const string body = "<img src=x onerror=\"alert(1)\"> & <a href=\"javascript:alert(2)\">click</a>";
        var (delivered, raw, record) = await SendAsync("xss", (tenantId, to) => OutgoingMessage.For(tenantId, "s05", to, subject, body));

        Assert.Equal(subject, record.Message!.Subject);
        Assert.Equal(body, record.Message.Body);
        Assert.Equal(subject, delivered.Subject);
        Assert.Equal(subject, raw.Subject);
        Assert.Equal(body, raw.TextBody!.TrimEnd('\r', '\n'));
        Assert.Equal("text/plain", Assert.IsType<TextPart>(raw.Body).ContentType.MimeType);
    }

    // catalog: B04
    [Fact]
    public async Task Each_of_several_messages_carries_its_own_tracking_id()
    {
        var tenantId = NewId("tracking");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = _proxy.Sink("sink-tenant1");
        var ids = new[] { "track-a", "track-b", "track-c", "track-d" };
        var addresses = ids.ToDictionary(id => id, id => sink.NewAddress(id));
        await tenant.AddMessagesAsync([.. ids.Select(id => OutgoingMessage.For(tenantId, id, addresses[id]))]);

        foreach (var id in ids)
        {
            var delivered = await sink.WaitForMessageAsync(MailSinkClient.To(addresses[id]), TimeSpan.FromSeconds(30), Cancellation);
            using var raw = new MemoryStream(await sink.GetRawAsync(delivered.ID, Cancellation));
            var headers = (await MimeMessage.LoadAsync(raw, Cancellation)).Headers;
            Assert.Equal([id], headers.Where(h => h.Field == "X-MailStack-ID").Select(h => h.Value));
        }
    }
}
