namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>The one mapping between <see cref="BounceType"/> and its text on the wire and in the database (genro's "soft" / "hard").</summary>
public static class BounceTypes
{
    public static string ToWire(this BounceType type) => type switch
    {
        BounceType.Soft => "soft",
        BounceType.Hard => "hard",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string? value, out BounceType type)
    {
        type = value switch
        {
            "soft" => BounceType.Soft,
            "hard" => BounceType.Hard,
            _ => (BounceType)(-1),
        };
        return Enum.IsDefined(type);
    }
}
