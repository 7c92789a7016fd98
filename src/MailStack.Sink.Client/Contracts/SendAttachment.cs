namespace MailStack.Sink.Client;

/// <summary>
/// An attachment in a send request: base64 <see cref="Content"/> (a <c>data:…;base64,</c> prefix is
/// allowed); a <see cref="ContentID"/> makes it inline; no <see cref="ContentType"/> means detected.
/// </summary>
public sealed record SendAttachment(string Content, string Filename, string ContentType = "", string ContentID = "");
