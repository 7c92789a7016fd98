namespace MailStack.Proxy.RateLimits;

/// <summary>An account's limits over the minute, hour and day; null or ≤ 0 means that window is unlimited.</summary>
public sealed record SendLimits(IReadOnlyList<SendLimit> Active)
{
    public static SendLimits None { get; } = new([]);

    public bool Unlimited => Active.Count == 0;

    public static SendLimits Of(int? perMinute, int? perHour, int? perDay) =>
        new(new[] { (RateWindow.Minute, perMinute), (RateWindow.Hour, perHour), (RateWindow.Day, perDay) }
            .Where(l => l.Item2 > 0)
            .Select(l => new SendLimit(l.Item1, l.Item2!.Value))
            .ToList());
}
