namespace MailStack.Sink.Client;

/// <summary>Mailpit's <c>POST /api/v1/send</c> body. From, a Subject and one recipient are required.</summary>
public sealed record SendRequest
{
    public SendAddress? From { get; init; }

    public IReadOnlyList<SendAddress>? To { get; init; }

    public IReadOnlyList<SendAddress>? Cc { get; init; }

    /// <summary>Addresses only, as Mailpit.</summary>
    public IReadOnlyList<string>? Bcc { get; init; }

    public IReadOnlyList<SendAddress>? ReplyTo { get; init; }

    public string? Subject { get; init; }

    public string? Text { get; init; }

    public string? HTML { get; init; }

    public IReadOnlyList<SendAttachment>? Attachments { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
