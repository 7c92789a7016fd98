namespace MailStack.Proxy.Model;

/// <summary>How far the bounce receiver has read a mailbox: its UIDVALIDITY and the last UID handled (0: none yet).</summary>
public sealed record MailboxPosition(long? UidValidity, long LastUid)
{
    public static MailboxPosition Start(long uidValidity) => new(uidValidity, 0);
}
