using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// The proxy's attachment folders: <c>spool</c> for bodies too large for memory, <c>cache</c> for the
/// disk tier. The default folder belongs to this instance and is removed when it stops.
/// </summary>
public sealed class AttachmentWorkDirectory : IDisposable
{
    private readonly bool _owned;

    public AttachmentWorkDirectory(IOptions<AttachmentOptions> options)
    {
        _owned = string.IsNullOrEmpty(options.Value.WorkDirectory);
        // Per instance, not just per process: proxies hosted side by side in one process (tests) must not remove each other's.
        Root = _owned ? Path.Combine(Path.GetTempPath(), "mailstack-proxy", $"{Environment.ProcessId}-{Guid.NewGuid():N}") : options.Value.WorkDirectory!;
        Spool = Directory.CreateDirectory(Path.Combine(Root, "spool")).FullName;
        Cache = Directory.CreateDirectory(options.Value.Cache.DiskDirectory is { Length: > 0 } disk ? disk : Path.Combine(Root, "cache")).FullName;
    }

    public string Root { get; }

    public string Spool { get; }

    public string Cache { get; }

    /// <summary>A new file name in the spool.</summary>
    public string NewSpoolFile() => Path.Combine(Spool, Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (_owned)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Files still open elsewhere: the system's temp cleaning takes the rest.
            }
        }
    }
}
