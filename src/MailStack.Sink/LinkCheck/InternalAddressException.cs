namespace MailStack.Sink.LinkCheck;

/// <summary>A link resolved to a loopback, private or reserved address, which the link check does not probe.</summary>
public sealed class InternalAddressException(string message) : Exception(message);
