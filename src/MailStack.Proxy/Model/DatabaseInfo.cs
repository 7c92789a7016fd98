namespace MailStack.Proxy.Model;

/// <summary>GET /status/database: which database the proxy uses.</summary>
public sealed record DatabaseInfo(string Database, string ServerVersion)
{
    public bool Ok => true;
}
