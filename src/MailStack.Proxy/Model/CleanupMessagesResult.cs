namespace MailStack.Proxy.Model;

/// <summary>How many of the tenant's messages the cleanup deleted.</summary>
public sealed record CleanupMessagesResult(long Removed)
{
    public bool Ok => true;
}
