using System.Text.Json.Serialization;

namespace MailStack.Sink.Client;

/// <summary>A name/address pair as the API shows it.</summary>
public sealed record MailAddress(string Name, string Address);

/// <summary>A message in a list (Mailpit's MessageSummary).</summary>
public sealed record MessageSummary(
    string ID,
    string MessageID,
    bool Read,
    MailAddress From,
    IReadOnlyList<MailAddress> To,
    IReadOnlyList<MailAddress> Cc,
    IReadOnlyList<MailAddress> Bcc,
    IReadOnlyList<MailAddress> ReplyTo,
    string Subject,
    DateTime Created,
    string Username,
    IReadOnlyList<string> Tags,
    long Size,
    int Attachments,
    string Snippet)
;

/// <summary>Mailpit's MessagesSummary: the list and search response.</summary>
public sealed record MessagesResponse(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("unread")] int Unread,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("messages_count")] int MessagesCount,
    [property: JsonPropertyName("messages_unread")] int MessagesUnread,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("messages")] IReadOnlyList<MessageSummary> Messages);

public sealed record AttachmentInfo(string PartID, string FileName, string ContentType, string ContentID, long Size, AttachmentChecksums Checksums);

/// <summary>Mailpit's Message: one message in full.</summary>
public sealed record MessageDetail(
    string ID,
    string MessageID,
    MailAddress From,
    IReadOnlyList<MailAddress> To,
    IReadOnlyList<MailAddress> Cc,
    IReadOnlyList<MailAddress> Bcc,
    IReadOnlyList<MailAddress> ReplyTo,
    string ReturnPath,
    string Subject,
    ListUnsubscribe ListUnsubscribe,
    DateTimeOffset Date,
    IReadOnlyList<string> Tags,
    string Username,
    string Text,
    string HTML,
    long Size,
    IReadOnlyList<AttachmentInfo> Inline,
    IReadOnlyList<AttachmentInfo> Attachments,
    SmtpEnvelope? Envelope = null);

public sealed record DeleteRequest(IReadOnlyList<string>? IDs);

public sealed record SetReadRequest(IReadOnlyList<string>? IDs, bool Read, string? Search = null);

/// <summary>Mailpit's AppInformation; Tags counts the messages carrying each tag.</summary>
public sealed record InfoResponse(string Version, string LatestVersion, string Database, long DatabaseSize, int Messages, int Unread, IReadOnlyDictionary<string, int> Tags, RuntimeStats RuntimeStats);

public sealed record RuntimeStats(long Uptime, long Memory, long MessagesDeleted, long SMTPAccepted, long SMTPAcceptedSize, long SMTPRejected, long SMTPIgnored);

/// <summary>Error body for 4xx answers: what was wrong, in words.</summary>
public sealed record ApiError(string Error);
