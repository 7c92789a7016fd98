namespace MailStack.Proxy.RateLimits;

/// <summary>
/// The send policy for one account's claimed messages, in sending order: the first
/// <see cref="Admitted"/> may go now; each of the others gets the limit that holds it back.
/// </summary>
public sealed record SendAdmission(int Admitted, IReadOnlyList<RateLimitHit> Excess)
{
    public static SendAdmission All(int requested) => new(requested, []);

    /// <summary>
    /// Admits as many of <paramref name="requested"/> messages as every window still has room for.
    /// The message at position k is held back by each window with at most k sends of room left, and
    /// waits for the latest of their boundaries (so it is not deferred over a minute only to find the
    /// hour still full); ties go to the shorter window, checked first as in genro-mail-proxy.
    /// </summary>
    public static SendAdmission Decide(SendLimits limits, SendUsage usage, int requested, long nowUnixSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        if (limits.Unlimited)
        {
            return All(requested);
        }

        var room = limits.Active.Select(limit => (Limit: limit, Room: Math.Max(0, limit.PerWindow - usage.In(limit.Window)))).ToList();
        var admitted = (int)Math.Min(requested, room.Min(r => r.Room));
        var excess = new List<RateLimitHit>(requested - admitted);
        for (var position = admitted; position < requested; position++)
        {
            var blocking = room.Where(r => r.Room <= position)
                .Select(r => new RateLimitHit(r.Limit, r.Limit.Window.EndOf(nowUnixSeconds)))
                .Aggregate((longest, next) => next.Until > longest.Until ? next : longest);
            excess.Add(blocking);
        }

        return new SendAdmission(admitted, excess);
    }
}
