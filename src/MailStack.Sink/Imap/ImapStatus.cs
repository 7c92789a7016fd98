namespace MailStack.Sink.Imap;

/// <summary>The result of a tagged command.</summary>
internal enum ImapStatus
{
    Ok,
    No,
    Bad,
}
