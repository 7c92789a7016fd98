namespace MailStack.Sink.Imap;

/// <summary>A FETCH data item (RFC 3501 6.4.5).</summary>
internal enum FetchAttribute
{
    Uid,
    Flags,
    InternalDate,
    Rfc822Size,
    Envelope,
    BodyStructure,

    /// <summary>BODY without a section: the non-extensible structure.</summary>
    Body,

    /// <summary>BODY[section] / BODY.PEEK[section], optionally partial.</summary>
    Section,
    Rfc822,
    Rfc822Header,
    Rfc822Text,
}
