using MailStack.Proxy.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MailStack.Proxy.Hosting;

/// <summary>
/// Makes the schemas say what the wire does: a field that may be null is optional (null fields are
/// omitted), and an <see cref="Optional{T}"/> field is its <c>T</c> or null — or absent.
/// </summary>
public sealed class WireSchemaTransformer : IOpenApiSchemaTransformer
{
    public async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>))
        {
            await DescribeAsValueAsync(schema, context, type.GetGenericArguments()[0], cancellationToken);
            return;
        }

        if (schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties.Where(IsOptional))
            {
                required.Remove(property.Name);
            }
        }
    }

    private static bool IsOptional(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        property.IsGetNullable || (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Optional<>));

    private static async Task DescribeAsValueAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, Type valueType, CancellationToken cancellationToken)
    {
        if (await context.GetOrCreateSchemaAsync(valueType, null, cancellationToken) is not OpenApiSchema value)
        {
            return;
        }

        schema.Type = value.Type | JsonSchemaType.Null;
        schema.Format = value.Format;
        schema.Properties = value.Properties;
        schema.Required = value.Required;
        schema.Items = value.Items;
        schema.Enum = value.Enum;
        schema.AdditionalProperties = value.AdditionalProperties;
    }
}
