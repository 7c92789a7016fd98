namespace MailStack.Proxy.Model;

/// <summary>GET /status.</summary>
public sealed record StatusResponse(bool Active)
{
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public bool Ok => true;
}
