namespace MailStack.Sink.Api.MailHog;

/// <summary>MailHog's <c>data.SMTPMessage</c>: the envelope, the HELO name and the message text.</summary>
internal sealed record MailHogRaw(string From, IReadOnlyList<string> To, string Data, string Helo);
