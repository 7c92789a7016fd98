namespace MailStack.Sink.Storage;

/// <summary>The IMAP system flags a folder entry can carry; <see cref="Seen"/> is the message's Read state.</summary>
[Flags]
public enum MessageFlagSet
{
    None = 0,
    Answered = 1,
    Flagged = 2,
    Deleted = 4,
    Seen = 8,
    Draft = 16,
}
