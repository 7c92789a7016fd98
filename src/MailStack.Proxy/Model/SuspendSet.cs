namespace MailStack.Proxy.Model;

/// <summary>
/// A tenant's suspended batches: <c>["*"]</c> for the whole tenant, else the suspended batch codes.
/// Suspending and activating are idempotent; activating one batch of a wholly suspended tenant is refused.
/// </summary>
public static class SuspendSet
{
    public const string AllBatches = "*";

    /// <summary>The batch a command targets: the whole tenant when no batch code is given.</summary>
    public static string Target(string? batchCode) => string.IsNullOrEmpty(batchCode) ? AllBatches : batchCode;

    public static string[] Suspend(IReadOnlyCollection<string> current, string target) =>
        target == AllBatches ? [AllBatches]
        : current.Contains(AllBatches) ? [.. current]
        : [.. current.Append(target).Distinct()];

    /// <returns>The new set, or null when <paramref name="target"/> is one batch of a tenant suspended as a whole.</returns>
    public static string[]? Activate(IReadOnlyCollection<string> current, string target) =>
        target == AllBatches ? []
        : current.Contains(AllBatches) ? null
        : [.. current.Where(b => b != target)];

    /// <summary>Whether a message of <paramref name="batchCode"/> is held back by <paramref name="suspended"/>.</summary>
    public static bool Holds(IReadOnlyCollection<string> suspended, string? batchCode) =>
        suspended.Contains(AllBatches) || (batchCode is not null && suspended.Contains(batchCode));
}
