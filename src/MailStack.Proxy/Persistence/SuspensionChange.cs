namespace MailStack.Proxy.Persistence;

/// <summary>The outcome of <see cref="TenantStore.ChangeSuspensionAsync"/>: the set before, after (null when refused), and the waiting messages it covers.</summary>
public sealed record SuspensionChange(string[] Before, string[]? After, long WaitingMessages);
