using System.Collections.Concurrent;
using System.Text.Json;

namespace MailStack.EchoServer;

/// <summary>A reply the echo server gives to requests under a path: status, JSON body, delay, how many times.</summary>
public sealed record ProgrammedReply(string Path, int Status = 200, JsonElement? Body = null, int DelayMilliseconds = 0, int? Times = null);

/// <summary>
/// Lets a test play a slow, failing or busy tenant: <c>PUT /replies</c> programs a reply for a path
/// prefix (longest prefix wins), <c>DELETE /replies</c> forgets them all.
/// </summary>
public sealed class ProgrammedReplies
{
    private readonly ConcurrentDictionary<string, (ProgrammedReply Reply, int Used)> _replies = new(StringComparer.Ordinal);

    public void Set(ProgrammedReply reply) => _replies[reply.Path] = (reply, 0);

    public void Clear() => _replies.Clear();

    public IReadOnlyList<ProgrammedReply> List() => _replies.Values.Select(v => v.Reply).ToList();

    /// <summary>The reply for <paramref name="path"/>, counting its use; null means the default 200.</summary>
    public ProgrammedReply? Take(string path)
    {
        foreach (var key in _replies.Keys.Where(k => path.StartsWith(k, StringComparison.Ordinal)).OrderByDescending(k => k.Length))
        {
            if (_replies.TryGetValue(key, out var entry))
            {
                if (entry.Reply.Times is { } times && entry.Used >= times)
                {
                    continue;
                }

                _replies[key] = (entry.Reply, entry.Used + 1);
                return entry.Reply;
            }
        }

        return null;
    }
}
