namespace MailStack.Proxy.Model;

/// <summary>Where the bounce receiver reads reports and what it does with them (the bounce fields of <c>/instance</c>, password included).</summary>
public sealed record BounceSettings(
    bool Enabled,
    string? Host,
    int Port,
    string? User,
    string? Password,
    string Folder,
    bool Ssl,
    TimeSpan PollInterval,
    bool DeleteProcessed)
{
    /// <summary>The mailbox the receiver's position belongs to: another server, account or folder starts from its own.</summary>
    public string MailboxKey => $"{User}@{Host}:{Port}/{Folder}";

    public override string ToString() => $"imap{(Ssl ? "s" : "")}://{User}@{Host}:{Port}/{Folder}";
}
