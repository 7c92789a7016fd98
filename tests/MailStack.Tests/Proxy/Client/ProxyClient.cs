namespace MailStack.Tests.Proxy.Client;

/// <summary>
/// The proxy's routes as typed calls on an <see cref="HttpClient"/> that carries a token
/// (<see cref="ProxyApi.Client"/>). Calls named for a route assert that it succeeded; tests that
/// check a refusal send the request themselves.
/// </summary>
public static class ProxyClient
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, ProxyJson.Options)!;
    }

    public static async Task<AddMessagesResult> AddMessagesAsync(this HttpClient proxy, params OutgoingMessage[] messages)
    {
        using var response = await proxy.PostAsJsonAsync("/commands/add-messages", new { messages }, ProxyJson.Options, Cancellation);
        return await response.ReadAsync<AddMessagesResult>();
    }

    /// <param name="query">More of the query string, e.g. <c>status=pending&amp;limit=2</c>.</param>
    public static async Task<MessageList> ListMessagesAsync(this HttpClient proxy, string tenantId, string query, CancellationToken cancellationToken)
    {
        using var response = await proxy.GetAsync($"/messages?tenant_id={Uri.EscapeDataString(tenantId)}{(query.Length > 0 ? "&" + query : "")}", cancellationToken);
        return await response.ReadAsync<MessageList>();
    }

    /// <summary>The message <paramref name="id"/> with its history, or null while it is not listed.</summary>
    public static async Task<MessageRecord?> FindMessageAsync(this HttpClient proxy, string tenantId, string id, CancellationToken cancellationToken) =>
        (await proxy.ListMessagesAsync(tenantId, "include_history=true", cancellationToken)).Messages.SingleOrDefault(m => m.Id == id);

    public static async Task<DeleteMessagesResult> DeleteMessagesAsync(this HttpClient proxy, string tenantId, params string[] ids)
    {
        using var response = await proxy.PostAsJsonAsync($"/commands/delete-messages?tenant_id={Uri.EscapeDataString(tenantId)}", new { ids }, Cancellation);
        return await response.ReadAsync<DeleteMessagesResult>();
    }

    public static Task<SuspensionState> SuspendAsync(this HttpClient proxy, string tenantId, string? batchCode = null) =>
        proxy.CommandAsync<SuspensionState>("suspend", tenantId, batchCode);

    public static Task<SuspensionState> ActivateAsync(this HttpClient proxy, string tenantId, string? batchCode = null) =>
        proxy.CommandAsync<SuspensionState>("activate", tenantId, batchCode);

    /// <summary>Wakes dispatch and reporting (for one tenant, which also lifts its do-not-disturb).</summary>
    public static async Task RunNowAsync(this HttpClient proxy, string? tenantId = null)
    {
        using var response = await proxy.PostAsync(tenantId is null ? "/commands/run-now" : $"/commands/run-now?tenant_id={Uri.EscapeDataString(tenantId)}", null, Cancellation);
        await response.ReadAsync<JsonElement>();
    }

    public static async Task<TenantRecord> GetTenantAsync(this HttpClient proxy, string tenantId)
    {
        using var response = await proxy.GetAsync($"/tenant/{Uri.EscapeDataString(tenantId)}", Cancellation);
        return await response.ReadAsync<TenantRecord>();
    }

    public static async Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(this HttpClient proxy, bool activeOnly = false)
    {
        using var response = await proxy.GetAsync(activeOnly ? "/tenants?active_only=true" : "/tenants", Cancellation);
        return (await response.ReadAsync<TenantList>()).Tenants;
    }

    public static async Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(this HttpClient proxy, string tenantId)
    {
        using var response = await proxy.GetAsync($"/accounts?tenant_id={Uri.EscapeDataString(tenantId)}", Cancellation);
        return (await response.ReadAsync<AccountList>()).Accounts;
    }

    public static async Task<InstanceRecord> GetInstanceAsync(this HttpClient proxy)
    {
        using var response = await proxy.GetAsync("/instance", Cancellation);
        return await response.ReadAsync<InstanceRecord>();
    }

    /// <summary>PUT /instance with the fields of <paramref name="settings"/> (an anonymous object in the wire's names).</summary>
    public static async Task UpdateInstanceAsync(this HttpClient proxy, object settings)
    {
        using var response = await proxy.PutAsJsonAsync("/instance", settings, Cancellation);
        await response.ReadAsync<JsonElement>();
    }

    public static async Task ReloadBounceAsync(this HttpClient proxy)
    {
        using var response = await proxy.PostAsync("/instance/reload-bounce", null, Cancellation);
        await response.ReadAsync<JsonElement>();
    }

    private static async Task<T> CommandAsync<T>(this HttpClient proxy, string command, string tenantId, string? batchCode)
    {
        var url = $"/commands/{command}?tenant_id={Uri.EscapeDataString(tenantId)}{(batchCode is null ? "" : "&batch_code=" + Uri.EscapeDataString(batchCode))}";
        using var response = await proxy.PostAsync(url, null, Cancellation);
        return await response.ReadAsync<T>();
    }
}
