namespace MailStack.Sink.Storage;

/// <summary>Why a tag operation was refused, in Mailpit's words.</summary>
public sealed class TagException(string message) : Exception(message);
