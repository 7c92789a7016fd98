namespace MailStack.Sink.Storage;

/// <summary>
/// One IMAP folder of an account: entries in ascending UID order, a UIDVALIDITY that only changes
/// on demand, and a change signal that selected and idling sessions await. Guarded by the
/// <see cref="MailboxDirectory"/>'s lock.
/// </summary>
public sealed class MailFolder
{
    private TaskCompletionSource _changed = NewSignal();

    internal MailFolder(string name, uint uidValidity)
    {
        Name = name;
        UidValidity = uidValidity;
    }

    public string Name { get; internal set; }

    public uint UidValidity { get; internal set; }

    public uint UidNext { get; internal set; } = 1;

    /// <summary>Highest modification sequence (bumped by every flag change).</summary>
    public long ModSeq { get; internal set; }

    /// <summary>Counts removals, so a session can skip looking for expunged UIDs when nothing went.</summary>
    public long ExpungeVersion { get; internal set; }

    /// <summary>Counts every change; <see cref="WaitForChangeAsync"/> completes when it moves.</summary>
    public long Version { get; private set; }

    public bool Deleted { get; internal set; }

    internal List<FolderEntry> Entries { get; } = [];

    internal FolderEntry Add(StoredMessage message, MessageFlagSet flags, IEnumerable<string>? keywords)
    {
        var entry = new FolderEntry(UidNext++, message, flags, keywords) { ModSeq = ++ModSeq };
        Entries.Add(entry);
        return entry;
    }

    internal FolderEntry? FindByUid(uint uid)
    {
        int low = 0, high = Entries.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var found = Entries[middle].Uid;
            if (found == uid)
            {
                return Entries[middle];
            }

            if (found < uid)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <summary>Index of the first entry whose UID is above <paramref name="uid"/>.</summary>
    internal int IndexAfter(uint uid)
    {
        int low = 0, high = Entries.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (Entries[middle].Uid <= uid)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Wakes every session waiting on this folder (called under the directory's lock).</summary>
    internal void Signal()
    {
        Version++;
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }

    /// <summary>Completes once <see cref="Version"/> differs from <paramref name="version"/>.</summary>
    internal Task ChangedSince(long version) => Version != version ? Task.CompletedTask : _changed.Task;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
