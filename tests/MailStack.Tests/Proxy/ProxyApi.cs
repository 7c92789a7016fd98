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
    public Task<string> CreateTenantAsync(string tenantId, string sink = "sink-tenant1", string echo = "echo-tenant1", string? syncPath = null)
    {
        var smtp = stack.App.GetEndpoint(sink, "smtp");
        return CreateTenantAsync(tenantId, smtp.Host, smtp.Port, stack.App.GetEndpoint(echo, "http").ToString().TrimEnd('/'), syncPath);
    }

    /// <summary>Creates a tenant with one plain-SMTP account "main" on <paramref name="smtpHost"/> (a test's own sink, say); returns its API key.</summary>
    public async Task<string> CreateTenantAsync(string tenantId, string smtpHost, int smtpPort, string? clientBaseUrl = null, string? syncPath = null)
    {
        using var admin = await AdminAsync();
        using var created = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, name = $"Tenant {tenantId}", client_base_url = clientBaseUrl, client_sync_path = syncPath }, Cancellation);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        using var account = await admin.PostAsJsonAsync("/account", new { id = "main", tenant_id = tenantId, host = smtpHost, port = smtpPort, use_tls = false }, Cancellation);
        Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync(Cancellation));
        return body.GetProperty("api_key").GetString()!;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

    /// <summary>
    /// Waits until message <paramref name="id"/> has a status <paramref name="done"/> accepts (and, with
    /// <paramref name="reported"/>, its first event is marked reported); returns its record with history.
    /// </summary>
    public static async Task<JsonElement> WaitForStatusAsync(HttpClient http, string tenantId, string id, Func<string, bool> done, bool reported = false)
    {
        JsonElement? last = null;
        var found = await Eventually.GetAsync<object>(async cancellation =>
        {
            var list = await http.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={Uri.EscapeDataString(tenantId)}&include_history=true", cancellation);
            last = list.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("id").GetString() == id).Select(m => (JsonElement?)m.Clone()).FirstOrDefault();
            return last is { } message && done(message.GetProperty("status").GetString()!)
                && (!reported || (message.GetProperty("history").GetArrayLength() > 0 && message.GetProperty("history")[0].TryGetProperty("reported_ts", out _)))
                ? message
                : null;
        }, $"message {tenantId}/{id} to reach the awaited status", lastSeen: () => last?.ToString() ?? "not listed");
        return (JsonElement)found;
    }

    /// <summary>The delivery-report item for message <paramref name="id"/> that <paramref name="echo"/> received, once the proxy marked it reported.</summary>
    public async Task<JsonElement> WaitForReportAsync(string echo, string id, string tenantId)
    {
        using var admin = await AdminAsync();
        await WaitForStatusAsync(admin, tenantId, id, _ => true, reported: true);
        using var http = stack.App.CreateHttpClient(echo, "http");
        var recorded = await http.GetFromJsonAsync<JsonElement>("/requests?path=/mail-proxy/sync", Cancellation);
        // Message ids are per tenant: the newest report carrying this id after it was marked reported is ours.
        return recorded.GetProperty("requests").EnumerateArray().Reverse()
            .SelectMany(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.GetProperty("delivery_report").EnumerateArray().Select(i => i.Clone()))
            .First(i => i.GetProperty("id").GetString() == id);
    }

    /// <summary>The tenant's messages (one page of up to 1,000).</summary>
    public static async Task<List<JsonElement>> ListMessagesAsync(HttpClient tenant, string tenantId, CancellationToken cancellationToken, bool activeOnly = false)
    {
        var list = await tenant.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={Uri.EscapeDataString(tenantId)}&active_only={(activeOnly ? "true" : "false")}&limit=1000", cancellationToken);
        return [.. list.GetProperty("messages").EnumerateArray().Select(m => m.Clone())];
    }

    /// <summary>Waits until none of the tenant's messages is pending, deferred or sending (each ended sent or error).</summary>
    public async Task WaitUntilSettledAsync(HttpClient tenant, string tenantId, TimeSpan timeout)
    {
        List<JsonElement> open = [];
        await Eventually.GetAsync<object>(async c => (open = await ListMessagesAsync(tenant, tenantId, c, activeOnly: true)).Count == 0 ? true : null,
            "every message to be sent or error", timeout,
            () => $"{open.Count}{(open.Count == 1000 ? "+" : "")} still open, e.g. {string.Join(", ", open.Take(2))}; proxy errors: "
                + string.Join("\n", stack.Logs.Of("proxy").Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase)).TakeLast(20)));
    }
}
