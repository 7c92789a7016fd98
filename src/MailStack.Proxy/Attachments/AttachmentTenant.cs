using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary>What attachment handling needs of a message's tenant: its endpoint, credentials and large-file policy.</summary>
public sealed record AttachmentTenant(string Id, string? ClientBaseUrl, string ClientAttachmentPath, ClientAuth? ClientAuth, LargeFileConfig LargeFiles)
{
    public const string DefaultAttachmentPath = "/mail-proxy/attachments";

    /// <summary>The tenant's settings; a tenant gone meanwhile has none (its messages still go, without endpoint or large-file rules).</summary>
    public static AttachmentTenant Of(string tenantId, TenantRecord? tenant) => tenant is null
        ? new(tenantId, null, DefaultAttachmentPath, null, LargeFileConfig.Disabled)
        : new(tenant.Id, tenant.ClientBaseUrl, tenant.ClientAttachmentPath, tenant.ClientAuth, tenant.LargeFileConfig ?? LargeFileConfig.Disabled);
}
