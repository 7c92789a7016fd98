using System.Net.Http.Json;
using System.Text.Json;
using MailStack.Sink.Client;
using MailStack.Tests.Infrastructure;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>Delivery reports against a tenant endpoint that fails, then recovers; heartbeats.</summary>
public sealed class ProxyReportingTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);


    /// <summary>Every request the echo server got on <paramref name="path"/>, as delivery_report arrays.</summary>
    private async Task<List<JsonElement>> ReportsAtAsync(string path)
    {
        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        var recorded = await echo.GetFromJsonAsync<JsonElement>($"/requests?path={Uri.EscapeDataString(path)}", Cancellation);
        return recorded.GetProperty("requests").EnumerateArray()
            .Select(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.GetProperty("delivery_report").Clone()).ToList();
    }

    [Fact]
    public async Task A_failing_endpoint_gets_the_same_events_again_until_it_acknowledges()
    {
        var tenantId = NewId("flaky");
        var path = $"/sync/{tenantId}";
        using var echo = stack.App.CreateHttpClient("echo-tenant1", "http");
        using (var fail = await echo.PutAsJsonAsync("/replies", new { Path = path, Status = 503 }, Cancellation))
        {
            Assert.True(fail.IsSuccessStatusCode);
        }

        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, syncPath: path));
        using var sink = new MailSinkClient(stack.App.GetEndpoint("sink-tenant1", "http"));
        await tenant.PostAsJsonAsync("/commands/add-messages", new
        {
            messages = new[] { new { id = "r1", tenant_id = tenantId, account_id = "main", from = "a@example.test", to = sink.NewAddress("report"), subject = "report me" } },
        }, Cancellation);
        await WaitForStatusAsync(tenant, tenantId, "r1", s => s == "sent");

        // Refused at least once: the event stays unreported.
        await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Any(r => r.EnumerateArray().Any(i => i.GetProperty("id").GetString() == "r1")) ? "" : null, "a refused report");
        var history = await WaitForStatusAsync(tenant, tenantId, "r1", _ => true);
        Assert.False(history.GetProperty("history")[0].TryGetProperty("reported_ts", out _));

        using (var recover = await echo.PutAsJsonAsync("/replies", new { Path = path, Status = 200, Body = new { ok = true } }, Cancellation))
        {
            Assert.True(recover.IsSuccessStatusCode);
        }

        await WaitForStatusAsync(tenant, tenantId, "r1", _ => true, reported: true);
        var attempts = (await ReportsAtAsync(path)).Count(r => r.EnumerateArray().Any(i => i.GetProperty("id").GetString() == "r1"));
        Assert.True(attempts >= 2, $"the event was posted {attempts} time(s)");
    }

    [Fact]
    public async Task An_active_tenant_with_nothing_to_report_gets_a_heartbeat()
    {
        var tenantId = NewId("heartbeat");
        var path = $"/sync/{tenantId}";
        await _proxy.CreateTenantAsync(tenantId, syncPath: path);

        var heartbeat = await Eventually.GetAsync(async _ => (await ReportsAtAsync(path)).Select(r => r.GetRawText()).FirstOrDefault(), "a heartbeat");
        Assert.Equal("[]", heartbeat);
    }
}
