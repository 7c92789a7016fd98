using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Under <c>dotnet run</c>: demo tenants whose account points at a tenant sink and whose client
/// endpoint is a tenant echo server, created once the proxy is ready (their API keys are written
/// to the proxy's log); and a "Run now" dashboard command. Off when <c>MailStack:Proxy:SeedDemoTenants</c> is false.
/// </summary>
internal static class DemoTenantsResourceBuilderExtensions
{
    public const string SeedKey = "MailStack:Proxy:SeedDemoTenants";

    public static IResourceBuilder<ProjectResource> WithDemoTenant(
        this IResourceBuilder<ProjectResource> proxy, string tenantId, IResourceBuilder<ProjectResource> sink, IResourceBuilder<ProjectResource> echo)
    {
        var configuration = proxy.ApplicationBuilder.Configuration;
        if (!proxy.ApplicationBuilder.ExecutionContext.IsRunMode || !configuration.GetValue(SeedKey, true))
        {
            return proxy;
        }

        return proxy.OnResourceReady(async (resource, @event, cancellationToken) =>
        {
            // The AppHost's own log (the terminal of `dotnet run`), where a person looks for the key.
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MailStack.DemoTenants");
            using var http = await AdminClientAsync(proxy, @event.Services, cancellationToken);
            var smtp = sink.GetEndpoint("smtp");
            using var created = await http.PostAsJsonAsync("/tenant", new { id = tenantId, name = $"Demo {tenantId}", client_base_url = echo.GetEndpoint("http").Url }, cancellationToken);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            using var account = await http.PostAsJsonAsync("/account", new { id = "main", tenant_id = tenantId, host = smtp.Host, port = smtp.Port, use_tls = false }, cancellationToken);
            if (!created.IsSuccessStatusCode || !account.IsSuccessStatusCode)
            {
                logger.LogWarning("Demo tenant {TenantId} not seeded: {Tenant} / {Account}", tenantId, (int)created.StatusCode, (int)account.StatusCode);
                return;
            }

            logger.LogInformation("Demo tenant {TenantId}: account 'main' → {Sink} ({Host}:{Port}), reports → {Echo}; API key {ApiKey}",
                tenantId, sink.Resource.Name, smtp.Host, smtp.Port, echo.Resource.Name, body.TryGetProperty("api_key", out var key) ? key.GetString() : "(unchanged)");
        });
    }

    /// <summary>A dashboard button that wakes dispatch and reporting at once.</summary>
    public static IResourceBuilder<ProjectResource> WithRunNowCommand(this IResourceBuilder<ProjectResource> proxy) =>
        proxy.WithCommand("run-now", "Run now", async context =>
        {
            using var http = await AdminClientAsync(proxy, context.Services, context.CancellationToken);
            using var response = await http.PostAsync("/commands/run-now", null, context.CancellationToken);
            return response.IsSuccessStatusCode ? CommandResults.Success() : CommandResults.Failure($"the proxy answered {(int)response.StatusCode}");
        }, new CommandOptions { IconName = "Play", Description = "Dispatch ready messages and send delivery reports now" });

    private static async Task<HttpClient> AdminClientAsync(IResourceBuilder<ProjectResource> proxy, IServiceProvider services, CancellationToken cancellationToken)
    {
        var token = proxy.Resource.Annotations.OfType<MailProxyResourceBuilderExtensions.AdminTokenAnnotation>().Single().Token;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient();
        http.BaseAddress = new Uri(proxy.GetEndpoint("http").Url);
        http.DefaultRequestHeaders.Add("X-API-Token", await token.GetValueAsync(cancellationToken));
        return http;
    }
}
