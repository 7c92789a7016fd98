using System.Reflection;
using System.Text.Json;
using MailStack.Proxy.Model;
using Microsoft.AspNetCore.Http.Metadata;

namespace MailStack.Proxy.Apis;

/// <summary>
/// A request body read as <typeparamref name="T"/> with the wire's JSON rules. Bad JSON, a wrong
/// type or an oversized body does not fail binding: it becomes <see cref="Error"/> (422 naming the
/// field, or 413), which <see cref="JsonBodyFilter"/> answers before the handler runs.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs bind through static BindAsync and PopulateMetadata on the parameter type.")]
public sealed class JsonBody<T> : IJsonBody, IEndpointParameterMetadataProvider
    where T : class
{
    private JsonBody(T? value, IResult? error)
    {
        Value = value!;
        Error = error;
    }

    /// <summary>The body; set whenever <see cref="Error"/> is null.</summary>
    public T Value { get; }

    public IResult? Error { get; }

    object? IJsonBody.Value => Value;

    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context)
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, WireJson.Options, context.RequestAborted);
            return value is null
                ? new(null, Invalid(["body"], "a JSON object is required", "type_error.dict"))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            // A syntax error comes from the reader (an inner JsonException); a wrong type names its field.
            var path = ex.InnerException is JsonException || ex.Path is not { Length: > 1 } p ? [] : p.TrimStart('$', '.').Split('.', StringSplitOptions.RemoveEmptyEntries);
            return new(null, path.Length == 0
                ? Invalid(["body"], $"invalid JSON: {ex.Message}", "value_error.jsondecode")
                : Invalid(["body", .. path], $"invalid value: {ex.Message}", "type_error"));
        }
        catch (BadHttpRequestException ex)
        {
            return new(null, TypedResults.Json(new ApiError(ex.Message), WireJson.Options, statusCode: ex.StatusCode));
        }
    }

    /// <summary>Describes the body to OpenAPI as the model it is read into.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(T)));

    private static IResult Invalid(string[] loc, string msg, string type) =>
        TypedResults.UnprocessableEntity(new ValidationErrors(new ValidationError(loc, msg, type)));
}
