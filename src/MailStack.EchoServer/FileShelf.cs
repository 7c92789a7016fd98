using System.Collections.Concurrent;

namespace MailStack.EchoServer;

/// <summary>
/// Files for the proxy's <c>http_url</c> and <c>endpoint</c> attachment fetches, and what those fetches
/// looked like: requests per folder and the most that were in flight at once (parallel fetching shows as &gt; 1).
/// </summary>
public sealed class FileShelf
{
    private readonly ConcurrentDictionary<string, ServedFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FolderStats> _stats = new(StringComparer.Ordinal);

    public void Put(string name, ServedFile file) => _files[name] = file;

    public ServedFile? Find(string name) => _files.TryGetValue(name, out var file) ? file : null;

    /// <summary>Counts a fetch of <paramref name="name"/> in its folder until the returned handle is disposed.</summary>
    public IDisposable Enter(string name)
    {
        var stats = _stats.GetOrAdd(Folder(name), _ => new FolderStats());
        stats.Enter();
        return stats;
    }

    public FolderStats Stats(string folder) => _stats.GetOrAdd(folder.Trim('/'), _ => new FolderStats());

    private static string Folder(string name)
    {
        var trimmed = name.Trim('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? "" : trimmed[..slash];
    }

    /// <summary>Fetches of one folder: how many, and the most at once.</summary>
    public sealed class FolderStats : IDisposable
    {
        private readonly Lock _gate = new();
        private int _inFlight;

        public int Requests { get; private set; }

        public int MaxInFlight { get; private set; }

        public void Enter()
        {
            lock (_gate)
            {
                Requests++;
                _inFlight++;
                MaxInFlight = Math.Max(MaxInFlight, _inFlight);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }
}
