namespace MailStack.Proxy.Model;

/// <summary>The one mapping between <see cref="MessageStatus"/> and the text stored in <c>messages.status</c> and <c>message_events.event_type</c>.</summary>
public static class MessageStatuses
{
    /// <summary>Waiting to be claimed (a suspended tenant's messages stay here).</summary>
    public static readonly MessageStatus[] Waiting = [MessageStatus.Pending, MessageStatus.Deferred];

    /// <summary>Not finished yet: waiting or being sent. Also the predicate of the <c>messages_claimable</c> index (migration 7): change both or neither.</summary>
    public static readonly MessageStatus[] Open = [MessageStatus.Pending, MessageStatus.Deferred, MessageStatus.Sending];

    /// <summary>
    /// Done with: nothing more will be sent (retention may delete these once reported). Every status is
    /// either open or finished: the claim's check once locked says "not finished" for "open".
    /// </summary>
    public static readonly MessageStatus[] Finished = [MessageStatus.Sent, MessageStatus.Error, MessageStatus.Bounced];

    /// <summary>Outcomes reported to the tenant.</summary>
    public static readonly MessageStatus[] Reported = [MessageStatus.Sent, MessageStatus.Error, MessageStatus.Deferred, MessageStatus.Bounced];

    public static string ToDb(this MessageStatus status) => status switch
    {
        MessageStatus.Pending => "pending",
        MessageStatus.Deferred => "deferred",
        MessageStatus.Sending => "sending",
        MessageStatus.Sent => "sent",
        MessageStatus.Error => "error",
        MessageStatus.Bounced => "bounced",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string[] ToDb(this IEnumerable<MessageStatus> statuses) => statuses.Select(ToDb).ToArray();

    public static MessageStatus FromDb(string value) => TryParse(value, out var status)
        ? status
        : throw new FormatException($"unknown message status '{value}'");

    public static bool TryParse(string? value, out MessageStatus status)
    {
        status = value switch
        {
            "pending" => MessageStatus.Pending,
            "deferred" => MessageStatus.Deferred,
            "sending" => MessageStatus.Sending,
            "sent" => MessageStatus.Sent,
            "error" => MessageStatus.Error,
            "bounced" => MessageStatus.Bounced,
            _ => (MessageStatus)(-1),
        };
        return Enum.IsDefined(status);
    }
}
