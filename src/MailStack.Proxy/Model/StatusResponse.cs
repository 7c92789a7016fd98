namespace MailStack.Proxy.Model;

/// <summary>GET /status.</summary>
public sealed record StatusResponse(bool Active)
{
    public bool Ok => true;
}
