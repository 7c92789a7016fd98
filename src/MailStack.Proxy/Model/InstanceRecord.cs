namespace MailStack.Proxy.Model;

/// <summary>
/// GET /instance: the instance's settings as genro v0.6.9 shows them (its <c>InstanceInfo</c>), the
/// IMAP password left out, plus the bounce receiver's position in the mailbox; timestamps in Unix seconds.
/// </summary>
public sealed record InstanceRecord(
    int Id,
    string Name,
    bool BounceEnabled,
    string? BounceImapHost,
    int BounceImapPort,
    string? BounceImapUser,
    string BounceImapFolder,
    bool BounceImapSsl,
    int BouncePollInterval,
    string? BounceReturnPath,
    bool BounceDeleteProcessed,
    long? BounceLastUid,
    long? BounceLastSync,
    long? BounceUidvalidity,
    long CreatedAt,
    long UpdatedAt)
{
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public bool Ok => true;
}
