namespace MailStack.Proxy.Retention;

/// <summary>The retention job's timing and batch size; bound from <c>Proxy:Retention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>How often the job deletes what every tenant's retention let go, and prunes the send log.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Rows deleted per statement (each its own short transaction), so enqueue and dispatch never
    /// wait long on a cleanup of many rows.
    /// </summary>
    public int BatchSize { get; set; } = 1000;
}
