using MailStack.Proxy.Model;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// <c>filesystem</c>: reads a file below <see cref="AttachmentOptions.FilesystemRoot"/> only (off when
/// unset). A path is resolved against the root, symbolic links followed, and refused unless the real
/// path is still inside the real root — so <c>..</c>, absolute paths elsewhere and links out are refused.
/// </summary>
public sealed class FilesystemAttachmentSource(IOptions<AttachmentOptions> options) : IAttachmentSource
{
    public FetchMode Mode => FetchMode.Filesystem;

    public Task<Stream> OpenAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken)
    {
        var path = Resolve(options.Value.FilesystemRoot, attachment.StoragePath, out var refusal)
            ?? throw new AttachmentFetchException(attachment.FileName, refusal!);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AttachmentFetchException(attachment.FileName, $"cannot read '{attachment.StoragePath}': {ex.Message}");
        }
    }

    /// <summary>The real path of <paramref name="storagePath"/> when it is a file inside <paramref name="root"/>; else null and why.</summary>
    public static string? Resolve(string? root, string storagePath, out string? refusal)
    {
        if (string.IsNullOrEmpty(root))
        {
            refusal = "filesystem attachments are disabled (no Proxy:Attachments:FilesystemRoot)";
            return null;
        }

        var realRoot = RealPath(Path.GetFullPath(root));
        var real = RealPath(Path.GetFullPath(storagePath, realRoot));
        if (!real.StartsWith(realRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            refusal = $"path '{storagePath}' is outside the attachment root";
            return null;
        }

        if (!File.Exists(real))
        {
            refusal = $"file '{storagePath}' not found";
            return null;
        }

        refusal = null;
        return real;
    }

    /// <summary>The path with every symbolic link along it resolved (what realpath(3) gives for existing parts).</summary>
    private static string RealPath(string fullPath)
    {
        var parts = fullPath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(fullPath) ?? "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is not null)
            {
                // A link may point at another link or use "..": resolve it fully, then go on from there.
                var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
                next = RealPath(Path.GetFullPath(target));
            }

            current = next;
        }

        return current;
    }
}
