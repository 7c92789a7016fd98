namespace MailStack.Proxy.Model;

/// <summary>GET /accounts.</summary>
public sealed record AccountList(IReadOnlyList<AccountRecord> Accounts)
{
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public bool Ok => true;
}
