namespace MailStack.Proxy.Attachments;

/// <summary>An attachment over the tenant's limit under <c>reject</c>; the message ends <c>error</c> with this message.</summary>
public sealed class AttachmentRejectedException(string reason) : Exception(reason);
