using System.Text.Json.Serialization;

namespace MailStack.Tests.Proxy.Client;

/// <summary>The proxy's wire: genro's snake_case, null fields omitted, statuses as lower-case strings.</summary>
public static class ProxyJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
