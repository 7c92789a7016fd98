using Scalar.AspNetCore;

namespace MailStack.Proxy.Hosting;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and the interactive API page (<c>/docs</c>, served offline).</summary>
public static class ApiDocsExtensions
{
    public const string DocsPath = "/docs";

    public static IServiceCollection AddProxyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "MailStack Proxy";
                document.Info.Description = "Multi-tenant outbound mail proxy, wire-compatible with genro-mail-proxy v0.6.";
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<ApiTokenSecurityTransformer>();
            options.AddOperationTransformer<ApiTokenSecurityTransformer>();
            options.AddSchemaTransformer<WireSchemaTransformer>();
        });

    public static WebApplication MapProxyApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        // The page's script is served from the package, fonts are the browser's: no CDN, no telemetry.
        app.MapScalarApiReference(DocsPath, options => options
            .WithTitle("MailStack Proxy API")
            .DisableDefaultFonts()
            .DisableTelemetry());
        return app;
    }
}
