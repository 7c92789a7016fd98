namespace MailStack.Sink.Client;

/// <summary>Mailpit's <c>POST /api/v1/message/{ID}/release</c> body: who the message is relayed to.</summary>
public sealed record ReleaseRequest(IReadOnlyList<string>? To);
