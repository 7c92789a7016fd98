using MailStack.Sink.Storage;

namespace MailStack.Sink.Imap;

/// <summary>
/// A session's view of its selected folder: the UIDs in sequence-number order as this client
/// knows them, and how far it has caught up with the folder's changes.
/// </summary>
internal sealed class SelectedFolder(MailFolder folder, bool readOnly, uint uidValidity)
{
    public MailFolder Folder { get; } = folder;

    public bool ReadOnly { get; } = readOnly;

    public uint UidValidity { get; } = uidValidity;

    /// <summary>Sequence number n is Uids[n - 1].</summary>
    public List<uint> Uids { get; } = [];

    /// <summary>The highest UID this client has been told of (expunges do not lower it).</summary>
    public uint HighestUid { get; set; }

    public long ModSeq { get; set; }

    public long ExpungeVersion { get; set; }

    public long Version { get; set; }

    public uint LargestUid => Uids.Count == 0 ? 0 : Uids[^1];

    /// <summary>The sequence number of a UID, or 0 when this client does not know it.</summary>
    public uint SequenceOf(uint uid)
    {
        var index = Uids.BinarySearch(uid);
        return index < 0 ? 0 : (uint)index + 1;
    }
}
