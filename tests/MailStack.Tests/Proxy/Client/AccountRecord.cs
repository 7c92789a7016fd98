namespace MailStack.Tests.Proxy.Client;

/// <summary>An account as <c>GET /accounts</c> lists it (never with its password).</summary>
public sealed record AccountRecord
{
    public required string Id { get; init; }

    public string? TenantId { get; init; }

    public string? Host { get; init; }

    public int Port { get; init; }

    public string? User { get; init; }

    public bool? UseTls { get; init; }

    public int? LimitPerMinute { get; init; }

    public int? LimitPerHour { get; init; }

    public int? LimitPerDay { get; init; }

    public string? LimitBehavior { get; init; }

    public int? BatchSize { get; init; }
}
