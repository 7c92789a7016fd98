namespace MailStack.Sink.Storage;

/// <summary>Outcome of creating, deleting or renaming a folder.</summary>
public enum FolderChange
{
    Done,
    AlreadyExists,
    NotFound,

    /// <summary>Not allowed for this folder (deleting or renaming INBOX, an invalid name).</summary>
    Refused,
}
