namespace MailStack.Proxy.Model;

/// <summary>POST /account: upsert of one SMTP account on <c>(tenant_id, id)</c>.</summary>
public sealed record AccountPayload(
    string? Id,
    string? TenantId,
    string? Host,
    int? Port,
    string? User,
    string? Password,
    bool? UseTls,
    int? LimitPerMinute,
    int? LimitPerHour,
    int? LimitPerDay,
    LimitBehavior? LimitBehavior,
    int? BatchSize) : ITenantScoped
{
    public const int DefaultBatchSize = 50;

    public ValidationError? Validate()
    {
        if (string.IsNullOrEmpty(Id))
        {
            return ValidationError.Missing("body", "id");
        }

        if (string.IsNullOrEmpty(Host))
        {
            return ValidationError.Missing("body", "host");
        }

        return Port is null or < 1 or > 65535
            ? new ValidationError(["body", "port"], "port must be an integer from 1 to 65535", "value_error.port")
            : null;
    }
}
