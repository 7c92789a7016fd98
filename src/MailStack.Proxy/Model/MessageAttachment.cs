using System.Text.RegularExpressions;

namespace MailStack.Proxy.Model;

/// <summary>One attachment of an add-messages item; <see cref="FileName"/> has its <c>{MD5:…}</c> cache marker stripped.</summary>
public sealed partial record MessageAttachment(string FileName, string StoragePath, string MimeType, FetchMode FetchMode, string? ContentMd5, ClientAuth? Auth)
{
    public const string Base64Prefix = "base64:";
    public const int MaxFileNameLength = 255;

    /// <summary>As genro infers a missing <c>fetch_mode</c> from the storage path.</summary>
    public static FetchMode InferFetchMode(string storagePath) =>
        storagePath.StartsWith(Base64Prefix, StringComparison.Ordinal) ? FetchMode.Base64
        : storagePath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || storagePath.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? FetchMode.HttpUrl
        : storagePath.StartsWith('/') ? FetchMode.Filesystem
        : FetchMode.Endpoint;

    /// <summary>The <c>{MD5:hex}</c> marker of the filename as given, a cache key like <see cref="ContentMd5"/>.</summary>
    public string? FileNameMd5 { get; init; }

    /// <summary>What the cache knows this attachment by: <c>content_md5</c> first, as genro.</summary>
    public string? CacheKey => (ContentMd5 ?? FileNameMd5)?.ToLowerInvariant();

    /// <summary>The name without its marker, tidied as genro does (<c>report_{MD5:…}.pdf</c> → <c>report.pdf</c>).</summary>
    public static string StripMd5Marker(string fileName)
    {
        if (!Md5Marker().IsMatch(fileName))
        {
            return fileName;
        }

        var stripped = Underscores().Replace(Md5Marker().Replace(fileName, ""), "_").Trim('_');
        return stripped.Replace("_.", ".", StringComparison.Ordinal);
    }

    /// <summary>The bytes of a base64 storage path (the <c>base64:</c> prefix is optional); null when it is not base64.</summary>
    public static byte[]? DecodeBase64(string storagePath)
    {
        var data = storagePath.StartsWith(Base64Prefix, StringComparison.Ordinal) ? storagePath[Base64Prefix.Length..] : storagePath;
        try
        {
            return Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool IsBase64(string storagePath)
    {
        var data = storagePath.StartsWith(Base64Prefix, StringComparison.Ordinal) ? storagePath.AsSpan(Base64Prefix.Length) : storagePath.AsSpan();
        return System.Buffers.Text.Base64.IsValid(data);
    }

    public static bool IsMd5(string value) => value.Length == 32 && value.All(char.IsAsciiHexDigit);

    public static string? FindMd5Marker(string fileName) => Md5Marker().Match(fileName) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"\{MD5:([0-9a-fA-F]+)\}")]
    private static partial Regex Md5Marker();

    [GeneratedRegex("_+")]
    private static partial Regex Underscores();
}
