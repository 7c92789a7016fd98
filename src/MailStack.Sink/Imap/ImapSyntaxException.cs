namespace MailStack.Sink.Imap;

/// <summary>The command's arguments do not parse; the session answers BAD and goes on.</summary>
internal sealed class ImapSyntaxException(string message) : Exception(message)
{
}
