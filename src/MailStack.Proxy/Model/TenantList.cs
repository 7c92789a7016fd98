namespace MailStack.Proxy.Model;

/// <summary>GET /tenants.</summary>
public sealed record TenantList(IReadOnlyList<TenantRecord> Tenants)
{
    public bool Ok => true;
}
