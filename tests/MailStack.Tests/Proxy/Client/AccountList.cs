namespace MailStack.Tests.Proxy.Client;

/// <summary>The answer to <c>GET /accounts</c>.</summary>
public sealed record AccountList(IReadOnlyList<AccountRecord> Accounts);
