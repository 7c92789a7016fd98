namespace MailStack.Proxy.Model;

/// <summary>A tenant's large-attachment policy (stored now, applied by the attachments feature).</summary>
public sealed record LargeFileConfig(bool? Enabled, double? MaxSizeMb, string? StorageUrl, string? PublicBaseUrl, int? FileTtlDays, string? Action);
