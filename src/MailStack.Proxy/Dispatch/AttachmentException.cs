namespace MailStack.Proxy.Dispatch;

/// <summary>An attachment could not be read; the message fails with this reason.</summary>
public sealed class AttachmentException(string message) : Exception(message);
