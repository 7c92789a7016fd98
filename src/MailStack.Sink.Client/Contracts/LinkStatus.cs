namespace MailStack.Sink.Client;

/// <summary>One checked link: the HTTP status of a HEAD request (0 when there was no answer) and its text or the error.</summary>
public sealed record LinkStatus(string URL, int StatusCode, string Status);
