namespace MailStack.Tests.Proxy.Client;

/// <summary>A tenant as <c>GET /tenant/{id}</c> and <c>GET /tenants</c> return it.</summary>
public sealed record TenantRecord
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? ClientBaseUrl { get; init; }

    public string? ClientSyncPath { get; init; }

    public int? RetentionSeconds { get; init; }

    public bool Active { get; init; }
}
