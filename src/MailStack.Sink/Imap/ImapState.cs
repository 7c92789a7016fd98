namespace MailStack.Sink.Imap;

/// <summary>Where a session stands (RFC 3501 section 3).</summary>
internal enum ImapState
{
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}
