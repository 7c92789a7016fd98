namespace MailStack.Proxy.Model;

/// <summary>What recording one bounce report did.</summary>
public enum BounceRecording
{
    /// <summary>The message is bounced now, or went from soft to hard: a new event to report.</summary>
    Recorded,

    /// <summary>Its message already had this bounce (the same recipient again, or a soft one after a hard one).</summary>
    Unchanged,

    /// <summary>Its message is still being sent: the report waits until the send is recorded.</summary>
    Held,

    /// <summary>No message matches the report's identifiers.</summary>
    NotFound,

    /// <summary>The tracking id belongs to messages of several tenants: never guessed.</summary>
    Ambiguous,

    /// <summary>The message it names was never sent (pending, deferred or failed).</summary>
    NotSent,
}
