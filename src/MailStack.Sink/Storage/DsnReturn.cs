namespace MailStack.Sink.Storage;

/// <summary>RFC 3461 <c>RET</c>: how much of the message a delivery status notification returns.</summary>
public enum DsnReturn
{
    /// <summary><c>RET=FULL</c>: the whole message (<c>message/rfc822</c>).</summary>
    Full,

    /// <summary><c>RET=HDRS</c>: its header only (<c>text/rfc822-headers</c>).</summary>
    Headers,
}
