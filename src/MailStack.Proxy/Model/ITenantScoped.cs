namespace MailStack.Proxy.Model;

/// <summary>A request body that names the tenant it acts on (checked against the caller once, by the API's tenant filter).</summary>
public interface ITenantScoped
{
    string? TenantId { get; }
}
