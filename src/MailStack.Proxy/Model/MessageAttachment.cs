using System.Text.Json;
using System.Text.RegularExpressions;

namespace MailStack.Proxy.Model;

/// <summary>One attachment of an add-messages item; <see cref="FileName"/> has its <c>{MD5:…}</c> cache marker stripped.</summary>
public sealed partial record MessageAttachment(string FileName, string StoragePath, string MimeType, FetchMode FetchMode, string? ContentMd5, JsonElement? Auth)
{
    public const string Base64Prefix = "base64:";

    /// <summary>As genro infers a missing <c>fetch_mode</c> from the storage path.</summary>
    public static FetchMode InferFetchMode(string storagePath) =>
        storagePath.StartsWith(Base64Prefix, StringComparison.Ordinal) ? FetchMode.Base64
        : storagePath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || storagePath.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? FetchMode.HttpUrl
        : storagePath.StartsWith('/') ? FetchMode.Filesystem
        : FetchMode.Endpoint;

    public static string StripMd5Marker(string fileName) => Md5Marker().Replace(fileName, "");

    [GeneratedRegex(@"\{MD5:[0-9a-fA-F]+\}")]
    private static partial Regex Md5Marker();
}
