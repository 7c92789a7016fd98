namespace MailStack.Proxy.Model;

/// <summary>A tenant as the API shows it (GET /tenant, /tenants): secrets left out, timestamps in Unix seconds.</summary>
public sealed record TenantRecord(
    string Id,
    string? Name,
    string? ClientBaseUrl,
    string ClientSyncPath,
    string ClientAttachmentPath,
    ClientAuth? ClientAuth,
    LargeFileConfig? LargeFileConfig,
    int RetentionSeconds,
    bool Active,
    string[] SuspendedBatches,
    long CreatedAt,
    long UpdatedAt)
{
    public bool Ok => true;
}
