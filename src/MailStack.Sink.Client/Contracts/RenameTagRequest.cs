namespace MailStack.Sink.Client;

/// <summary>Mailpit's <c>PUT /api/v1/tags/{tag}</c> body.</summary>
public sealed record RenameTagRequest(string? Name);
