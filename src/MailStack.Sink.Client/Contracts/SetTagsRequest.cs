namespace MailStack.Sink.Client;

/// <summary>Mailpit's <c>PUT /api/v1/tags</c> body: these messages get exactly these tags.</summary>
public sealed record SetTagsRequest(IReadOnlyList<string>? IDs, IReadOnlyList<string>? Tags);
