using MailStack.Sink.Client;
using MimeKit;

namespace MailStack.Sink.Storage;

/// <summary>The SMTP envelope: what MAIL FROM and RCPT TO said, independent of the headers.</summary>
public sealed record Envelope(string From, IReadOnlyList<string> Recipients)
{
    /// <summary>The RFC 3461 parameters (RET, ENVID, NOTIFY, ORCPT) the client gave.</summary>
    public EnvelopeDsn Dsn { get; init; } = EnvelopeDsn.None;

    /// <summary>The name the client gave in HELO/EHLO (MailHog shows it as <c>Raw.Helo</c>); empty for the send API.</summary>
    public string Helo { get; init; } = "";
}

/// <summary>A message as stored: raw bytes (exactly what a client fetches) plus what the list views need.</summary>
public sealed class StoredMessage
{
    private volatile bool _read;
    private volatile IReadOnlyList<string> _tags;
    private string? _searchText;

    internal StoredMessage(string id, long sequence, Envelope envelope, DateTimeOffset received, byte[] raw, MessageSummaryFields summary, string? username)
    {
        Id = id;
        Sequence = sequence;
        Envelope = envelope;
        Received = received;
        Raw = raw;
        Summary = summary;
        Username = username;
        _tags = summary.Tags ?? [];
    }

    public string Id { get; }

    /// <summary>Arrival order; also the basis of per-mailbox IMAP UIDs.</summary>
    public long Sequence { get; }

    public Envelope Envelope { get; }

    public DateTimeOffset Received { get; }

    public byte[] Raw { get; }

    public MessageSummaryFields Summary { get; }

    /// <summary>The SMTP AUTH user that sent it, if any.</summary>
    public string? Username { get; }

    /// <summary>Mailpit tags, sorted; replaced as a whole (see <c>MessageTags</c>) so readers never see a half-made list.</summary>
    public IReadOnlyList<string> Tags
    {
        get => _tags;
        set => _tags = value;
    }

    public bool Read
    {
        get => _read;
        set => _read = value;
    }

    public MimeMessage Parse()
    {
        using var stream = new MemoryStream(Raw, writable: false);
        return MimeMessage.Load(stream);
    }

    /// <summary>Body text and attachment names, lower-cased; computed on the first plain-word search only.</summary>
    internal string SearchText => _searchText ??= BuildSearchText();

    private string BuildSearchText()
    {
        var message = Parse();
        var names = string.Join(' ', message.Attachments.Select(a => a is MimePart part ? part.FileName : null).Where(n => n is not null));
        return $"{message.TextBody} {StripTags(message.HtmlBody)} {names}".ToLowerInvariant();
    }

    private static string StripTags(string? html) =>
        html is null ? "" : System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", " ");
}

/// <summary>Header-derived fields, parsed once with MimeKit at ingestion.</summary>
public sealed record MessageSummaryFields(
    string MessageId,
    MailAddress From,
    IReadOnlyList<MailAddress> To,
    IReadOnlyList<MailAddress> Cc,
    IReadOnlyList<MailAddress> Bcc,
    IReadOnlyList<MailAddress> ReplyTo,
    string ReturnPath,
    string Subject,
    DateTimeOffset Date,
    int AttachmentCount,
    string Snippet,
    string? TraceParent = null,
    IReadOnlyList<string>? Tags = null);
