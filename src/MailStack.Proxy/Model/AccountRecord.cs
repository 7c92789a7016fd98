namespace MailStack.Proxy.Model;

/// <summary>An account as the API shows it: never the password.</summary>
public sealed record AccountRecord(
    string Id,
    string TenantId,
    string Host,
    int Port,
    string? User,
    bool? UseTls,
    int? LimitPerMinute,
    int? LimitPerHour,
    int? LimitPerDay,
    LimitBehavior LimitBehavior,
    int BatchSize);
