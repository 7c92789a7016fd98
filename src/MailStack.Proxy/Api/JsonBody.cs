using System.Text.Json;

namespace MailStack.Proxy;

/// <summary>Reads a request body as JSON, turning every kind of bad input into a 422 rather than a 500.</summary>
public static class JsonBody
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<(JsonElement Body, IResult? Error)> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, request.HttpContext.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (default, Errors.Validation(["body"], "a JSON object is required", "type_error.dict"));
        }
        catch (JsonException ex)
        {
            return (default, Errors.Validation(["body"], $"invalid JSON: {ex.Message}", "value_error.jsondecode"));
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
        {
            return (default, Results.Json(new { ok = false, detail = ex.Message }, statusCode: ex.StatusCode));
        }
    }

    /// <summary>The API omits null fields; records built as dictionaries drop them here.</summary>
    public static Dictionary<string, object?> WithoutNulls(this Dictionary<string, object?> record) =>
        record.Where(field => field.Value is not null).ToDictionary(field => field.Key, field => field.Value);

    public static string? Text(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Has(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>An optional integer; a present value of the wrong type is a validation error.</summary>
    public static bool TryInt(this JsonElement element, string name, out int? value)
    {
        value = null;
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind == JsonValueKind.Number && property.TryGetInt32(out var number))
        {
            value = number;
            return true;
        }

        return false;
    }

    public static bool TryBool(this JsonElement element, string name, out bool? value)
    {
        value = null;
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = property.GetBoolean();
            return true;
        }

        return false;
    }
}
