using MailStack.Proxy.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MailStack.Proxy.Hosting;

/// <summary>
/// Describes the token to OpenAPI: the <c>X-API-Token</c> header and <c>Authorization: Bearer</c>
/// as security schemes, required on every route that needs a token (either one will do).
/// </summary>
public sealed class ApiTokenSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string HeaderScheme = "ApiToken";
    public const string BearerScheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiTokenAuthenticationHandler.TokenHeader,
            Description = "The admin token or a tenant's API key.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The same token as Authorization: Bearer.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        foreach (var scheme in new[] { HeaderScheme, BearerScheme })
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }
}
