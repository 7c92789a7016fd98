namespace MailStack.Sink.Client;

/// <summary>The kind of delivery status notification a bounce rule sends.</summary>
public enum BounceType
{
    /// <summary><c>Action: failed</c>, permanent (default <c>5.1.1</c> user unknown).</summary>
    Hard,

    /// <summary><c>Action: failed</c> after a transient error (default <c>4.2.2</c> mailbox full).</summary>
    Soft,

    /// <summary><c>Action: delayed</c>: a warning, delivery still being retried (default <c>4.4.1</c>).</summary>
    Delayed,
}
