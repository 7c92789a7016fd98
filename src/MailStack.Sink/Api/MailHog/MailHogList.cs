using System.Text.Json.Serialization;

namespace MailStack.Sink.Api.MailHog;

/// <summary>MailHog v2's list and search answer.</summary>
internal sealed record MailHogList(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("items")] IReadOnlyList<MailHogMessage> Items);
