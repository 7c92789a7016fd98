namespace MailStack.Proxy.Model;

/// <summary>GET /accounts.</summary>
public sealed record AccountList(IReadOnlyList<AccountRecord> Accounts)
{
    public bool Ok => true;
}
