namespace MailStack.Sink.Imap;

/// <summary>A tagged reply: <c>tag OK|NO|BAD [code] text</c>.</summary>
internal sealed record ImapCompletion(ImapStatus Status, string Text, ResponseCode? Code = null)
{
    public static ImapCompletion Ok(string text, ResponseCode? code = null) => new(ImapStatus.Ok, text, code);

    public static ImapCompletion No(string text, ResponseCode? code = null) => new(ImapStatus.No, text, code);

    public static ImapCompletion Bad(string text, ResponseCode? code = null) => new(ImapStatus.Bad, text, code);
}
