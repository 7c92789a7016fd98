using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace MailStack.Sink.Ui;

/// <summary>One file of the web UI, held in memory with its content type and a strong ETag.</summary>
internal sealed record UiAsset(byte[] Content, string ContentType, string ETag);

/// <summary>
/// The web UI's files, embedded in the assembly (logical names <c>wwwroot/…</c>), so the UI is the
/// same whether the sink runs standalone, in the stack or in a test process with another content root.
/// </summary>
internal static class UiAssets
{
    private const string Prefix = "wwwroot/";

    private static readonly Lazy<FrozenDictionary<string, UiAsset>> All = new(Load);

    public static UiAsset? Find(string path) => All.Value.GetValueOrDefault(path);

    private static FrozenDictionary<string, UiAsset> Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[Prefix.Length..], name => Read(assembly, name, types), StringComparer.Ordinal);
    }

    private static UiAsset Read(Assembly assembly, string name, FileExtensionContentTypeProvider types)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var type = types.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "text/javascript")
        {
            type += "; charset=utf-8";
        }

        return new UiAsset(content, type, $"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\"");
    }
}
