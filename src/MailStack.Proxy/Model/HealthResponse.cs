namespace MailStack.Proxy.Model;

/// <summary>GET /health as genro answers it: <c>{"status":"ok"}</c>.</summary>
public sealed record HealthResponse(string Status);
