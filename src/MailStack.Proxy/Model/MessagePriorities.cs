using System.Text.Json;

namespace MailStack.Proxy.Model;

/// <summary>Reads a priority as genro does: 0–3 or immediate/high/medium/low; anything else clamps into range or takes the default.</summary>
public static class MessagePriorities
{
    public const MessagePriority Default = MessagePriority.Medium;

    public static MessagePriority Clamp(int value) => (MessagePriority)Math.Clamp(value, 0, 3);

    public static MessagePriority Parse(JsonElement? value, MessagePriority defaultPriority) => value switch
    {
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var n) => Clamp(n),
        { ValueKind: JsonValueKind.String } text => FromLabel(text.GetString()!) ?? defaultPriority,
        _ => defaultPriority,
    };

    public static MessagePriority? FromLabel(string label) => label.ToLowerInvariant() switch
    {
        "immediate" => MessagePriority.Immediate,
        "high" => MessagePriority.High,
        "medium" => MessagePriority.Medium,
        "low" => MessagePriority.Low,
        var s when int.TryParse(s, out var n) => Clamp(n),
        _ => null,
    };
}
