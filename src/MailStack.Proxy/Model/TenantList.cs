namespace MailStack.Proxy.Model;

/// <summary>GET /tenants.</summary>
public sealed record TenantList(IReadOnlyList<TenantRecord> Tenants)
{
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public bool Ok => true;
}
