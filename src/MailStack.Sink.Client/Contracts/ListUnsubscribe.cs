namespace MailStack.Sink.Client;

/// <summary>Mailpit's summary of the List-Unsubscribe headers: the header, its valid links, what is wrong with it.</summary>
public sealed record ListUnsubscribe(string Header, IReadOnlyList<string> Links, string Errors, string HeaderPost);
