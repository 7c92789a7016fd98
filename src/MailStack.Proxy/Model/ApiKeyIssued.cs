namespace MailStack.Proxy.Model;

/// <summary>POST /tenant and key rotation: the new key, shown this once (absent when an existing tenant was updated).</summary>
public sealed record ApiKeyIssued(string? ApiKey)
{
    public bool Ok => true;
}
