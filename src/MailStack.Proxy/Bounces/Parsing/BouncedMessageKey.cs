namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>The message a bounce is about: message ids are unique per tenant only.</summary>
public readonly record struct BouncedMessageKey(string TenantId, string MessageId);
