namespace MailStack.Proxy.Model;

/// <summary>GET /status/database: which database the proxy uses.</summary>
public sealed record DatabaseInfo(string Database, string ServerVersion)
{
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public bool Ok => true;
}
