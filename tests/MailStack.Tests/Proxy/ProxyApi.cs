namespace MailStack.Tests.Proxy;

/// <summary>Talks to the stack's proxy as the admin or as a tenant, and sets up tenants for a test.</summary>
public sealed class ProxyApi(StackFixture stack)
{
    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A tenant (or message) id unique to this test run.</summary>
    public static string NewId(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    public Task<string> AdminTokenAsync() => Task.FromResult(stack.AdminToken);

    public HttpClient Client(string? token)
    {
        var http = stack.App.CreateHttpClient("proxy", "http");
        if (token is not null)
        {
            http.DefaultRequestHeaders.Add("X-API-Token", token);
        }

        return http;
    }

    public async Task<HttpClient> AdminAsync() => Client(await AdminTokenAsync());

    /// <summary>Creates a tenant reporting to <paramref name="echo"/> with one account on <paramref name="sink"/>; returns its API key.</summary>
    /// <param name="echo">The echo server the tenant reports to, or null for none.</param>
    /// <param name="admin">Another proxy's admin client (a <see cref="TestProxy"/>), else the stack's proxy.</param>
    public Task<string> CreateTenantAsync(string tenantId, string sink = "sink-tenant1", string? echo = "echo-tenant1", string? syncPath = null, HttpClient? admin = null)
    {
        var smtp = stack.App.GetEndpoint(sink, "smtp");
        return CreateTenantAsync(tenantId, smtp.Host, smtp.Port, echo is null ? null : EchoUrl(echo), syncPath, admin);
    }

    /// <summary>Creates a tenant with one plain-SMTP account "main" on <paramref name="smtpHost"/> (a test's own sink, say); returns its API key.</summary>
    /// <param name="admin">Another proxy's admin client (a <see cref="TestProxy"/>), else the stack's proxy.</param>
    public async Task<string> CreateTenantAsync(string tenantId, string smtpHost, int smtpPort, string? clientBaseUrl = null, string? syncPath = null, HttpClient? admin = null)
    {
        using var stackAdmin = admin is null ? await AdminAsync() : null;
        admin ??= stackAdmin!;
        using var created = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, name = $"Tenant {tenantId}", client_base_url = clientBaseUrl, client_sync_path = syncPath }, Cancellation);
        var saved = await created.ReadAsync<TenantSaved>();
        using var account = await admin.PostAsJsonAsync("/account", new { id = "main", tenant_id = tenantId, host = smtpHost, port = smtpPort, use_tls = false }, Cancellation);
        Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync(Cancellation));
        return saved.ApiKey!;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

    /// <summary>A tenant's sink (<c>sink-tenant1</c>, <c>sink-tenant2</c>) through its API.</summary>
    public MailSinkClient Sink(string name) => new(stack.App.GetEndpoint(name, "http"));

    /// <summary>A tenant's echo server (<c>echo-tenant1</c>, <c>echo-tenant2</c>).</summary>
    public TenantEcho Echo(string name) => new(stack.App.CreateHttpClient(name, "http"));

    /// <summary>The echo server's base URL, as a tenant's <c>client_base_url</c>.</summary>
    public string EchoUrl(string name) => stack.App.GetEndpoint(name, "http").ToString().TrimEnd('/');

    /// <summary>
    /// Waits until message <paramref name="id"/> has a status <paramref name="done"/> accepts (and, with
    /// <paramref name="reported"/>, its first event is marked reported); returns its record with history.
    /// </summary>
    public static async Task<MessageRecord> WaitForStatusAsync(HttpClient http, string tenantId, string id, Func<MessageStatus, bool> done, bool reported = false)
    {
        MessageRecord? last = null;
        return await Eventually.GetAsync(async cancellation =>
        {
            last = await http.FindMessageAsync(tenantId, id, cancellation);
            return last is { } message && done(message.Status) && (!reported || message.History is [{ ReportedTs: not null }, ..])
                ? message
                : null;
        }, $"message {tenantId}/{id} to reach the awaited status", lastSeen: () => last?.ToString() ?? "not listed");
    }

    /// <summary>The tenant's messages (one page of up to <paramref name="limit"/>, at most 1,000).</summary>
    public static async Task<IReadOnlyList<MessageRecord>> ListMessagesAsync(HttpClient tenant, string tenantId, CancellationToken cancellationToken, bool activeOnly = false, int limit = 1000) =>
        (await tenant.ListMessagesAsync(tenantId, $"active_only={(activeOnly ? "true" : "false")}&limit={limit}", cancellationToken)).Messages;

    /// <summary>Waits until none of the tenant's messages is pending, deferred or sending (each ended sent or error).</summary>
    /// <param name="proxy">The test's own proxy doing the sending, whose output a timeout shows; else the stack's.</param>
    public async Task WaitUntilSettledAsync(HttpClient tenant, string tenantId, TimeSpan timeout, TestProxy? proxy = null)
    {
        // One open message is enough to know the queue is not settled. A page of a thousand, read ten
        // times a second while thousands drain, is work for the proxy, PostgreSQL and the test that
        // the drain itself competes with for the cores.
        IReadOnlyList<MessageRecord> open = [];
        await Eventually.GetAsync<object>(async c => (open = await ListMessagesAsync(tenant, tenantId, c, activeOnly: true, limit: 1)).Count == 0 ? true : null,
            "every message to be sent or error", timeout,
            () => $"still open: {string.Join(", ", open)}; proxy errors: "
                + string.Join("\n", ProxyLines(proxy).Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase)).TakeLast(20)));
    }

    private IEnumerable<string> ProxyLines(TestProxy? proxy) =>
        proxy is null ? stack.Logs.Of("proxy") : proxy.RecentOutput.Split('\n');

    /// <summary>Waits until the tenant's event for <paramref name="id"/> is reported and returns the item <paramref name="echo"/> got on the default sync path.</summary>
    public async Task<DeliveryReportItem> WaitForReportAsync(string echo, string id, string tenantId)
    {
        using var admin = await AdminAsync();
        await WaitForStatusAsync(admin, tenantId, id, _ => true, reported: true);
        using var server = Echo(echo);
        // Message ids are per tenant: the newest report carrying this id after it was marked reported is ours.
        return (await server.ReportsAsync("/mail-proxy/sync", Cancellation)).AsEnumerable().Reverse()
            .SelectMany(report => report)
            .First(item => item.Id == id);
    }
}
