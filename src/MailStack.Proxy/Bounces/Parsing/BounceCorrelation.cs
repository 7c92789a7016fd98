namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// What a report says about the message it returns, most robust first. A reader tries them in this
/// order and attaches the bounce to nothing when none names a message it sent.
/// </summary>
/// <param name="EnvelopeKey">Decoded from <c>Original-Envelope-Id</c>: the ENVID the proxy gave (<see cref="BounceEnvelopeId"/>).</param>
/// <param name="TrackingId">The tracking header's value (the message id alone, no tenant) in the returned message or header.</param>
/// <param name="MessageIdKey">Decoded from the returned <c>Message-ID</c> when the proxy made it up (<see cref="BounceMessageId"/>).</param>
public sealed record BounceCorrelation(BouncedMessageKey? EnvelopeKey, string? TrackingId, BouncedMessageKey? MessageIdKey)
{
    public static readonly BounceCorrelation None = new(null, null, null);

    /// <summary>Whether the report names anything at all.</summary>
    public bool IsEmpty => EnvelopeKey is null && TrackingId is null && MessageIdKey is null;
}
