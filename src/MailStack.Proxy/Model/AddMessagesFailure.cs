namespace MailStack.Proxy.Model;

/// <summary>add-messages refused as a whole (400): <c>{"ok":false,"detail":{"error":…,"rejected":[…]}}</c>.</summary>
public sealed record AddMessagesFailure(AddMessagesFailure.Reason Detail)
{
    public bool Ok => false;

    public static AddMessagesFailure Of(string error, IReadOnlyList<MessageRejection> rejected) => new(new Reason(error, rejected));

    public sealed record Reason(string Error, IReadOnlyList<MessageRejection> Rejected);
}
