namespace MailStack.Proxy.Model;

/// <summary>A tenant due a report or heartbeat: where to post and how to authenticate.</summary>
public sealed record ReportTarget(string TenantId, string Url, ClientAuth? Auth);
