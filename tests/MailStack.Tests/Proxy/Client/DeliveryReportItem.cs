using System.Text.Json.Serialization;

namespace MailStack.Tests.Proxy.Client;

/// <summary>One item of a delivery report the proxy posted to a tenant; <see cref="Other"/> holds any field not named here.</summary>
public sealed record DeliveryReportItem
{
    public required string Id { get; init; }

    public long? SentTs { get; init; }

    public long? ErrorTs { get; init; }

    public string? Error { get; init; }

    public long? DeferredTs { get; init; }

    public string? DeferredReason { get; init; }

    public long? BounceTs { get; init; }

    public string? BounceType { get; init; }

    public string? BounceCode { get; init; }

    public string? BounceReason { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}
