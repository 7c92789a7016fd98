namespace MailStack.Proxy.Model;

/// <summary>What happens to an attachment over the tenant's <c>max_size_mb</c> (genro's default: warn).</summary>
public enum LargeFileAction
{
    Warn,
    Reject,
    Rewrite,
}
