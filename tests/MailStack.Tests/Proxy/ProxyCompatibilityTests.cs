using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// Where MailStack now behaves as genro-mail-proxy v0.6.9 does (listing, oversized bodies, report
/// bodies, the tracking header), and the dispatch delay that lets genro's own suites run against it.
/// </summary>
public sealed class ProxyCompatibilityTests(StackFixture stack)
{
    private const int MaxRequestBytes = 8 * 1024 * 1024;

    private readonly ProxyApi _proxy = new(stack);

    private MailSinkClient Sink(string name = "sink-tenant1") => new(stack.App.GetEndpoint(name, "http"));

    private static object Message(string tenantId, string id, string to, object? headers = null) => new
    {
        id,
        tenant_id = tenantId,
        account_id = "main",
        from = "App <app@example.test>",
        to,
        subject = $"compat {id}",
        body = "body",
        headers,
    };

    [Fact]
    public async Task Listing_without_a_limit_returns_every_message_and_a_limit_still_pages()
    {
        var tenantId = NewId("listall");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        (await tenant.PostAsync($"/commands/suspend?tenant_id={tenantId}", null, Cancellation)).EnsureSuccessStatusCode();
        var ids = Enumerable.Range(0, 150).Select(i => $"m{i:D3}").ToArray();
        using (var added = await tenant.PostAsJsonAsync("/commands/add-messages", new { messages = ids.Select(id => Message(tenantId, id, "x@example.test")).ToArray() }, Cancellation))
        {
            Assert.Equal(150, (await JsonAsync(added)).GetProperty("queued").GetInt32());
        }

        var all = await tenant.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={tenantId}", Cancellation);
        Assert.Equal(ids, all.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.False(all.TryGetProperty("next_cursor", out _));

        var page = await tenant.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={tenantId}&limit=100", Cancellation);
        Assert.Equal(ids[..100], page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var rest = await tenant.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={tenantId}&limit=100&cursor={page.GetProperty("next_cursor").GetInt64()}", Cancellation);
        Assert.Equal(ids[100..], rest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task An_oversized_body_gets_a_413_a_plain_client_can_read()
    {
        using var admin = await _proxy.AdminAsync();
        Assert.False(admin.DefaultRequestHeaders.ExpectContinue ?? false);
        var oversized = "{\"messages\":[\"" + new string('x', MaxRequestBytes + 1024) + "\"]}";

        // Content-Length known: refused at once, the upload read to its end, the answer readable.
        using (var announced = await admin.PostAsync("/commands/add-messages", new StringContent(oversized, Encoding.UTF8, "application/json"), Cancellation))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, announced.StatusCode);
            Assert.Contains($"at most {MaxRequestBytes} bytes", (await JsonAsync(announced)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Chunked, no length up front: counted while read.
        using (var chunked = await admin.PostAsync("/commands/add-messages", new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(oversized))), Cancellation))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/status", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task A_raw_client_that_sends_the_whole_oversized_body_then_reads_gets_the_413()
    {
        // As Python's httpx and requests do: write everything, only then read the answer.
        var endpoint = stack.App.GetEndpoint("proxy", "http");
        using var socket = new TcpClient();
        await socket.ConnectAsync(endpoint.Host, endpoint.Port, Cancellation);
        var stream = socket.GetStream();
        var body = new byte[MaxRequestBytes * 2];
        var head = $"POST /commands/add-messages HTTP/1.1\r\nHost: {endpoint.Authority}\r\nX-API-Token: {stack.AdminToken}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancellation);
        await stream.WriteAsync(body, Cancellation);
        await stream.FlushAsync(Cancellation);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("HTTP/1.1 413 Payload Too Large", await reader.ReadLineAsync(Cancellation));
    }

    [Fact]
    public async Task Delivery_reports_carry_a_content_length_not_a_chunked_body()
    {
        var tenantId = NewId("length");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, echo: "echo-tenant1"));
        using var sink = Sink();
        var to = sink.NewAddress("report-length");
        var id = NewId("length");
        await tenant.PostAsJsonAsync("/commands/add-messages", new { messages = new[] { Message(tenantId, id, to) } }, Cancellation);
        await WaitForStatusAsync(tenant, tenantId, id, s => s == MessageStatus.Sent, reported: true);

        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        var recorded = await echo.GetFromJsonAsync<JsonElement>("/requests?path=/mail-proxy/sync", Cancellation);
        var report = recorded.GetProperty("requests").EnumerateArray()
            .First(r => r.GetProperty("body").GetString()!.Contains($"\"{id}\"", StringComparison.Ordinal));
        var headers = report.GetProperty("headers");
        Assert.Equal(Encoding.UTF8.GetByteCount(report.GetProperty("body").GetString()!).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(headers, "Content-Length"));
        Assert.Null(Header(headers, "Transfer-Encoding"));
    }

    // catalog: B01
    // catalog: B05
    // catalog: B12
    [Fact]
    public async Task A_client_header_of_the_same_name_never_replaces_the_tracking_header()
    {
        var tenantId = NewId("track");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        using var sink = Sink();
        var to = sink.NewAddress("tracking");
        await tenant.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { Message(tenantId, "tracked-1", to, new Dictionary<string, string> { ["X-MailStack-ID"] = "spoofed", ["X-Custom"] = "kept" }) },
        }, Cancellation);

        var mail = await LoadAsync(sink, await sink.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation));
        Assert.Equal(["tracked-1"], mail.Headers.Where(h => h.Field == "X-MailStack-ID").Select(h => h.Value));
        Assert.Equal("kept", mail.Headers["X-Custom"]);
    }

    // catalog: B01
    // catalog: B05
    // catalog: B12
    [Fact]
    public async Task The_tracking_header_can_be_renamed_for_drop_in_use()
    {
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:TrackingHeader"] = "X-Genro-Mail-ID" },
        });
        var tenantId = NewId("genro");
        using var admin = proxy.Client();
        await _proxy.CreateTenantAsync(tenantId, echo: null, admin: admin);
        using var sink = Sink();
        var to = sink.NewAddress("genro-header");
        using (var added = await admin.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { Message(tenantId, "genro-1", to, new Dictionary<string, string> { ["X-Genro-Mail-ID"] = "spoofed" }) },
        }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        var mail = await LoadAsync(sink, await sink.WaitForMessageAsync(MailSinkClient.To(to), TimeSpan.FromSeconds(30), Cancellation));
        Assert.Equal(["genro-1"], mail.Headers.Where(h => h.Field == "X-Genro-Mail-ID").Select(h => h.Value));
        Assert.False(mail.Headers.Contains("X-MailStack-ID"));
    }

    [Fact]
    public async Task A_dispatch_delay_lets_a_suspend_right_after_adding_hold_the_message()
    {
        var delay = TimeSpan.FromSeconds(2);
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:DispatchDelayAfterEnqueue"] = delay.ToString() },
        });
        var tenantId = NewId("delay");
        using var admin = proxy.Client();
        await _proxy.CreateTenantAsync(tenantId, echo: null, admin: admin);
        using var sink = Sink();

        // As genro's suites do: add, then suspend at once. With the delay, nothing has gone out yet.
        var held = sink.NewAddress("delay-held");
        (await admin.PostAsJsonAsync("/commands/add-messages", new { messages = new[] { Message(tenantId, "held", held) } }, Cancellation)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"/commands/suspend?tenant_id={tenantId}", null, Cancellation)).EnsureSuccessStatusCode();
        await Eventually.NeverAsync(async c => (await sink.SearchAsync(MailSinkClient.To(held), cancellationToken: c)).Count > 0, delay * 2, "a message of a suspended tenant was sent");
        Assert.Equal(MessageStatus.Pending, (await WaitForStatusAsync(admin, tenantId, "held", _ => true)).Status);

        (await admin.PostAsync($"/commands/activate?tenant_id={tenantId}", null, Cancellation)).EnsureSuccessStatusCode();
        await sink.WaitForMessageAsync(MailSinkClient.To(held), TimeSpan.FromSeconds(30), Cancellation);

        // Without a suspend the message goes once the delay is over, not before.
        var later = sink.NewAddress("delay-later");
        var added = Stopwatch.StartNew();
        (await admin.PostAsJsonAsync("/commands/add-messages", new { messages = new[] { Message(tenantId, "later", later) } }, Cancellation)).EnsureSuccessStatusCode();
        await sink.WaitForMessageAsync(MailSinkClient.To(later), TimeSpan.FromSeconds(30), Cancellation);
        Assert.True(added.Elapsed >= delay, $"sent {added.Elapsed.TotalSeconds:F2} s after add-messages, before the {delay.TotalSeconds} s delay");
    }

    private static async Task<MimeMessage> LoadAsync(MailSinkClient sink, MessageDetail message)
    {
        var raw = await sink.GetRawAsync(message.ID, Cancellation);
        return await MimeMessage.LoadAsync(new MemoryStream(raw), Cancellation);
    }

    private static string? Header(JsonElement headers, string name) =>
        headers.EnumerateObject().Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.GetString()).FirstOrDefault();
}
