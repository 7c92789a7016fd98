using System.Globalization;
using System.Text.Json.Serialization;

namespace MailStack.Proxy.Model;

/// <summary>
/// A tenant's large-attachment policy, genro's <c>TenantLargeFileConfig</c>: absent fields take its
/// defaults (so GET /tenant shows them), unknown fields are refused as genro refuses them.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LargeFileConfig(
    bool Enabled = false,
    double MaxSizeMb = LargeFileConfig.DefaultMaxSizeMb,
    string? StorageUrl = null,
    string? PublicBaseUrl = null,
    int FileTtlDays = LargeFileConfig.DefaultFileTtlDays,
    int? LifespanAfterDownloadDays = null,
    LargeFileAction Action = LargeFileAction.Warn)
{
    public const double DefaultMaxSizeMb = 10;
    public const int DefaultFileTtlDays = 30;

    public static readonly LargeFileConfig Disabled = new();

    /// <summary>What genro's model refuses (422), and one thing more: a storage URL we cannot write to.</summary>
    public ValidationError? Validate()
    {
        string[] At(string field) => ["body", "large_file_config", field];
        if (!(MaxSizeMb > 0))
        {
            return new ValidationError(At("max_size_mb"), "ensure this value is greater than 0", "value_error.number.not_gt");
        }

        if (FileTtlDays < 1)
        {
            return new ValidationError(At("file_ttl_days"), "ensure this value is greater than or equal to 1", "value_error.number.not_ge");
        }

        if (LifespanAfterDownloadDays is < 1)
        {
            return new ValidationError(At("lifespan_after_download_days"), "ensure this value is greater than or equal to 1", "value_error.number.not_ge");
        }

        if (StorageUrl is { Length: > 0 } url && !(url.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) && url.Length > "s3://".Length))
        {
            return new ValidationError(At("storage_url"), "only s3://bucket[/prefix] is supported (unset: the object store's bucket)", "value_error");
        }

        // The download links start with it: an http(s) URL.
        return PublicBaseUrl is { Length: > 0 } publicUrl
            && !(Uri.TryCreate(publicUrl, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
            ? new ValidationError(At("public_base_url"), "invalid or missing URL scheme (http or https)", "value_error.url")
            : null;
    }

    /// <summary>What happens to an attachment of <paramref name="length"/> bytes; null keeps it inline.</summary>
    public LargeFileAction? Apply(long length) => Enabled && Megabytes.Of(length) > MaxSizeMb ? Action : null;

    /// <summary>genro's reject reason, to the character: <c>Attachment 'f' (12.0 MB) exceeds limit (10.0 MB)</c>.</summary>
    public string Exceeds(string fileName, long length) =>
        $"Attachment '{fileName}' ({Megabytes.Format(length)} MB) exceeds limit ({PythonFloat(MaxSizeMb)} MB)";

    /// <summary>A float as Python prints it (genro formats the limit with <c>str(float)</c>): 10 → "10.0", 0.5 → "0.5".</summary>
    public static string PythonFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
