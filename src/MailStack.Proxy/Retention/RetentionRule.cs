namespace MailStack.Proxy.Retention;

/// <summary>
/// When a finished message may be deleted: every event of it reported, the last report before the
/// threshold this rule gives. The tenant's <c>retention_seconds</c> counts back from now (≤ 0 keeps
/// everything); a cleanup command's <c>older_than_seconds</c> replaces it (negative counts as 0, as
/// genro-mail-proxy does).
/// </summary>
public static class RetentionRule
{
    /// <returns>Delete messages last reported before this Unix time; null to keep every message.</returns>
    public static long? Threshold(long nowUnixSeconds, long tenantRetentionSeconds, long? olderThanSeconds = null) => olderThanSeconds switch
    {
        { } olderThan => nowUnixSeconds - Math.Max(0, olderThan),
        null when tenantRetentionSeconds > 0 => nowUnixSeconds - tenantRetentionSeconds,
        _ => null,
    };
}
