namespace MailStack.Sink.Client;

/// <summary>A name and address in a send request (Mailpit's <c>{"Name","Email"}</c>).</summary>
public sealed record SendAddress(string Email, string Name = "");
