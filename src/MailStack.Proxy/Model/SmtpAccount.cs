namespace MailStack.Proxy.Model;

/// <summary>What dispatch needs of an account: where to send, the credentials, and its rate limits (null or ≤ 0 = unlimited).</summary>
public sealed record SmtpAccount(
    string TenantId,
    string Id,
    string Host,
    int Port,
    string? User,
    string? Password,
    bool? UseTls,
    int? LimitPerMinute,
    int? LimitPerHour,
    int? LimitPerDay,
    LimitBehavior LimitBehavior);
