namespace MailStack.Sink.Imap;

/// <summary>A bracketed response code (RFC 3501 7.1, RFC 5530, RFC 4315, RFC 7889).</summary>
internal readonly record struct ResponseCode(string Text)
{
    public static readonly ResponseCode Alert = new("ALERT");
    public static readonly ResponseCode AlreadyExists = new("ALREADYEXISTS");
    public static readonly ResponseCode AuthenticationFailed = new("AUTHENTICATIONFAILED");
    public static readonly ResponseCode BadCharset = new("BADCHARSET (UTF-8 US-ASCII)");
    public static readonly ResponseCode Cannot = new("CANNOT");
    public static readonly ResponseCode ClientBug = new("CLIENTBUG");
    public static readonly ResponseCode Nonexistent = new("NONEXISTENT");
    public static readonly ResponseCode Parse = new("PARSE");
    public static readonly ResponseCode PrivacyRequired = new("PRIVACYREQUIRED");
    public static readonly ResponseCode ReadOnly = new("READ-ONLY");
    public static readonly ResponseCode ReadWrite = new("READ-WRITE");
    public static readonly ResponseCode TooBig = new("TOOBIG");
    public static readonly ResponseCode TryCreate = new("TRYCREATE");
    public static readonly ResponseCode Unavailable = new("UNAVAILABLE");

    public static ResponseCode Capability(string capabilities) => new($"CAPABILITY {capabilities}");

    public static ResponseCode PermanentFlags(string flags) => new($"PERMANENTFLAGS ({flags})");

    public static ResponseCode UidValidity(uint value) => new($"UIDVALIDITY {value}");

    public static ResponseCode UidNext(uint value) => new($"UIDNEXT {value}");

    public static ResponseCode Unseen(int sequence) => new($"UNSEEN {sequence}");

    public static ResponseCode AppendUid(uint uidValidity, uint uid) => new($"APPENDUID {uidValidity} {uid}");

    public static ResponseCode CopyUid(uint uidValidity, string sourceUids, string targetUids) => new($"COPYUID {uidValidity} {sourceUids} {targetUids}");

    public override string ToString() => Text;
}
