namespace MailStack.Tests.Proxy.Client;

/// <summary>The answer to <c>GET /tenants</c>.</summary>
public sealed record TenantList(IReadOnlyList<TenantRecord> Tenants);
