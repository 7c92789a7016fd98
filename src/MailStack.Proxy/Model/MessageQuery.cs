namespace MailStack.Proxy.Model;

/// <summary>GET /messages filters. <see cref="Limit"/> null means every message (genro's list); with it, one page after <see cref="Cursor"/>.</summary>
public sealed record MessageQuery(string TenantId, bool ActiveOnly, MessageStatus? Status, string? BatchCode, int? Limit, long Cursor);
