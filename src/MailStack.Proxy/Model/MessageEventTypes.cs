namespace MailStack.Proxy.Model;

/// <summary>The text of <see cref="MessageEventType"/> in <c>message_events.event_type</c>: a status's own text, or <c>warning</c>.</summary>
public static class MessageEventTypes
{
    private const string Warning = "warning";

    public static string ToDb(MessageEventType type) => type == MessageEventType.Warning ? Warning : Status(type).ToDb();

    public static MessageEventType FromDb(string value) => value == Warning ? MessageEventType.Warning : Of(MessageStatuses.FromDb(value));

    public static MessageEventType Of(MessageStatus status) => status switch
    {
        MessageStatus.Pending => MessageEventType.Pending,
        MessageStatus.Deferred => MessageEventType.Deferred,
        MessageStatus.Sending => MessageEventType.Sending,
        MessageStatus.Sent => MessageEventType.Sent,
        MessageStatus.Error => MessageEventType.Error,
        MessageStatus.Bounced => MessageEventType.Bounced,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static MessageStatus Status(MessageEventType type) => type switch
    {
        MessageEventType.Pending => MessageStatus.Pending,
        MessageEventType.Deferred => MessageStatus.Deferred,
        MessageEventType.Sending => MessageStatus.Sending,
        MessageEventType.Sent => MessageStatus.Sent,
        MessageEventType.Error => MessageStatus.Error,
        MessageEventType.Bounced => MessageStatus.Bounced,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
