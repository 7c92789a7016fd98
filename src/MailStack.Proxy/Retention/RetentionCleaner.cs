using MailStack.Proxy.Persistence;
using MailStack.Proxy.RateLimits;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Retention;

/// <summary>
/// Deletes finished messages whose every event was reported longer ago than the tenant's retention
/// (<see cref="RetentionRule"/>), in batches, and prunes the send log past the longest rate window.
/// Used by the periodic <see cref="RetentionJob"/> and by <c>POST /commands/cleanup-messages</c>.
/// </summary>
public sealed class RetentionCleaner(TenantStore tenants, MessageQueue queue, SendLog sendLog, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionCleaner> logger)
{
    private int BatchSize => Math.Max(1, options.Value.BatchSize);

    /// <returns>How many of the tenant's messages were deleted; null when there is no such tenant.</returns>
    public async Task<long?> CleanTenantAsync(string tenantId, long? olderThanSeconds, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken);
        return tenant is null ? null : await CleanAsync(tenantId, tenant.RetentionSeconds, olderThanSeconds, cancellationToken);
    }

    /// <summary>Every tenant by its own retention, then the send log.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        long removed = 0;
        foreach (var tenant in await tenants.ListAsync(activeOnly: false, cancellationToken))
        {
            removed += await CleanAsync(tenant.Id, tenant.RetentionSeconds, null, cancellationToken);
        }

        var horizon = time.GetUtcNow().ToUnixTimeSeconds() - RateWindow.Longest.Seconds;
        long pruned = 0;
        int batch;
        do
        {
            batch = await sendLog.PruneAsync(horizon, BatchSize, cancellationToken);
            pruned += batch;
        }
        while (batch == BatchSize);

        if (removed > 0 || pruned > 0)
        {
            logger.LogInformation("Retention deleted {Removed} message(s) and {Pruned} send log row(s)", removed, pruned);
        }
    }

    private async Task<long> CleanAsync(string tenantId, long retentionSeconds, long? olderThanSeconds, CancellationToken cancellationToken)
    {
        if (RetentionRule.Threshold(time.GetUtcNow().ToUnixTimeSeconds(), retentionSeconds, olderThanSeconds) is not { } reportedBefore)
        {
            return 0;
        }

        long removed = 0;
        var afterPk = 0L;
        int batch;
        do
        {
            (batch, afterPk) = await queue.DeleteReportedAsync(tenantId, reportedBefore, afterPk, BatchSize, cancellationToken);
            removed += batch;
        }
        while (batch == BatchSize);

        return removed;
    }
}
