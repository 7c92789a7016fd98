using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailStack.Sink.Client;

/// <summary>The sink API's JSON conventions: PascalCase (as Mailpit), enums as kebab-case strings.</summary>
public static class SinkJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = null;
        options.PropertyNameCaseInsensitive = true;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }
}
