namespace MailStack.Sink.Client;

/// <summary>The stored message's ID, as <c>POST /api/v1/send</c> answers it.</summary>
public sealed record SendResponse(string ID);
