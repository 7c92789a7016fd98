namespace MailStack.Sink.Storage;

/// <summary>
/// A message as one folder holds it: its UID there and its flags. <c>\Seen</c> is not kept here but
/// read from <see cref="StoredMessage.Read"/>, so IMAP and the API share one read state.
/// </summary>
public sealed class FolderEntry
{
    internal FolderEntry(uint uid, StoredMessage message, MessageFlagSet flags, IEnumerable<string>? keywords)
    {
        Uid = uid;
        Message = message;
        LocalFlags = flags & ~MessageFlagSet.Seen;
        Keywords = keywords is null ? [] : [.. keywords];
        LastRead = message.Read;
    }

    public uint Uid { get; internal set; }

    public StoredMessage Message { get; }

    public MessageFlagSet Flags => LocalFlags | (Message.Read ? MessageFlagSet.Seen : MessageFlagSet.None);

    /// <summary>Client-defined flags ($Forwarded, Junk, …); guarded by the directory's lock.</summary>
    public IReadOnlyCollection<string> Keywords { get; private set; }

    internal MessageFlagSet LocalFlags { get; set; }

    /// <summary>The folder's modification sequence at this entry's last flag change.</summary>
    internal long ModSeq { get; set; }

    /// <summary>The read state last announced, to notice a change made through the API.</summary>
    internal bool LastRead { get; set; }

    internal void SetKeywords(IEnumerable<string> keywords) =>
        Keywords = keywords.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}
