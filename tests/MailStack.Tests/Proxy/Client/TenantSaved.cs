namespace MailStack.Tests.Proxy.Client;

/// <summary>The answer to <c>POST /tenant</c> and a key rotation: the key only for a new tenant or a rotation.</summary>
public sealed record TenantSaved(bool Ok, string? ApiKey);
