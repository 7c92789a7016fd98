using System.Text.RegularExpressions;

namespace MailStack.Tests.Proxy;

/// <summary>The OpenAPI document against the spec's endpoint table, and the interactive API page.</summary>
public sealed partial class ProxyOpenApiTests(StackFixture stack)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_document_describes_every_route_of_the_spec_with_schemas_and_the_token()
    {
        using var http = stack.App.CreateHttpClient("proxy", "http");
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancellation);
        var paths = document.GetProperty("paths");
        var routes = SpecRoutes();
        Assert.NotEmpty(routes);

        foreach (var (method, path) in routes)
        {
            var listed = paths.TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out _);
            Assert.True(listed, $"{method} {path}: missing from the document");
            if (path == "/metrics")
            {
                continue;
            }

            var operation = item.GetProperty(method.ToLowerInvariant());
            Assert.True(operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _),
                $"{method} {path} has no schema for its 200 answer");
            var open = path is "/health";
            Assert.True(open != operation.TryGetProperty("security", out _), $"{method} {path}: security requirement {(open ? "on an open route" : "missing")}");
        }

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("apiKey", schemes.GetProperty("ApiToken").GetProperty("type").GetString());
        Assert.Equal("header", schemes.GetProperty("ApiToken").GetProperty("in").GetString());
        Assert.Equal("X-API-Token", schemes.GetProperty("ApiToken").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());

        // The wire's names and shapes: snake_case, partial updates optional.
        var tenantPayload = document.GetProperty("components").GetProperty("schemas").GetProperty("TenantPayload");
        Assert.True(tenantPayload.GetProperty("properties").TryGetProperty("client_base_url", out _));
        Assert.False(tenantPayload.TryGetProperty("required", out _));
    }

    [Fact]
    public async Task The_api_page_is_served_without_a_cdn_and_linked_from_the_dashboard()
    {
        using var http = stack.App.CreateHttpClient("proxy", "http");
        var page = await http.GetStringAsync("/docs/", Cancellation);
        Assert.Contains("MailStack Proxy API", page, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", page);
        var scripts = ScriptSource().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            using var response = await http.GetAsync($"/docs/{script}", Cancellation);
            Assert.True(response.IsSuccessStatusCode, $"/docs/{script} answered {(int)response.StatusCode}");
            Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var proxy = await stack.App.ResourceNotifications.WaitForResourceAsync("proxy", e => e.Snapshot.Urls.Any(u => u.Url.EndsWith("/docs/", StringComparison.Ordinal)), timeout.Token);
        var link = proxy.Snapshot.Urls.First(u => u.Url.EndsWith("/docs/", StringComparison.Ordinal));
        Assert.Equal(new Uri(stack.App.GetEndpoint("proxy", "http"), "/docs/"), new Uri(link.Url));
    }

    /// <summary>(method, path) of every route of the spec's endpoint table (proxy-api-routes.txt).</summary>
    private static List<(string Method, string Path)> SpecRoutes() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Proxy", "proxy-api-routes.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', 2) is [var method, var path] ? (method, path) : throw new FormatException($"not 'METHOD /path': {line}"))];

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
