namespace MailStack.Sink.Storage;

/// <summary>An IMAP login's folders: INBOX (what was delivered to the address) and any it created.</summary>
public sealed class MailAccount
{
    public const string InboxName = "INBOX";

    internal MailAccount(string address, MailFolder inbox, bool isCatchAll)
    {
        Address = address;
        IsCatchAll = isCatchAll;
        Folders[InboxName] = inbox;
        Subscriptions.Add(InboxName);
    }

    public string Address { get; }

    /// <summary>This account's INBOX mirrors the whole store.</summary>
    public bool IsCatchAll { get; }

    /// <summary>Guarded by the directory's lock; INBOX is matched case-insensitively, other names exactly.</summary>
    internal Dictionary<string, MailFolder> Folders { get; } = new(StringComparer.Ordinal);

    internal HashSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    internal MailFolder Inbox => Folders[InboxName];

    /// <summary>INBOX in any case is INBOX (RFC 3501 5.1).</summary>
    public static string Normalize(string name) =>
        string.Equals(name, InboxName, StringComparison.OrdinalIgnoreCase) ? InboxName : name;
}
