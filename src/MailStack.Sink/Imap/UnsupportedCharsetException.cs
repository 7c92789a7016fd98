namespace MailStack.Sink.Imap;

/// <summary>SEARCH CHARSET other than UTF-8/US-ASCII: answered NO [BADCHARSET].</summary>
internal sealed class UnsupportedCharsetException(string charset) : Exception($"charset {charset} is not supported")
{
}
