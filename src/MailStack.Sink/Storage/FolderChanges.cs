namespace MailStack.Sink.Storage;

/// <summary>
/// What changed in a folder since a session last looked: entries above its highest UID, entries
/// whose flags changed, and — only when something was removed — every UID still there.
/// </summary>
public sealed record FolderChanges(
    long Version,
    uint UidValidity,
    bool Deleted,
    IReadOnlyList<FolderEntry> Added,
    IReadOnlyList<FolderEntry> FlagsChanged,
    long ModSeq,
    long ExpungeVersion,
    IReadOnlySet<uint>? RemainingUids);
