namespace MailStack.Proxy.Model;

/// <summary>
/// POST /tenant and PUT /tenant[/{id}]: every field optional, so an update changes only the fields
/// present; a present <c>null</c> clears a text or JSON field.
/// </summary>
public sealed record TenantPayload(
    string? Id,
    Optional<string?> Name,
    Optional<string?> ClientBaseUrl,
    Optional<string?> ClientSyncPath,
    Optional<string?> ClientAttachmentPath,
    Optional<ClientAuth?> ClientAuth,
    Optional<LargeFileConfig?> LargeFileConfig,
    Optional<int?> RetentionSeconds,
    Optional<bool?> Active) : ITenantScoped
{
    string? ITenantScoped.TenantId => Id;

    public ValidationError? Validate() =>
        ClientBaseUrl.TryGet(out var url) && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? new ValidationError(["body", "client_base_url"], "invalid or missing URL scheme", "value_error.url")
            : LargeFileConfig.TryGet(out var largeFiles) ? largeFiles?.Validate() : null;
}
