using MailStack.Sink.Storage;

namespace MailStack.Sink.Bounces;

/// <summary>One report to build and deliver: <paramref name="Message"/>'s recipients, each with the order that bounces it.</summary>
public sealed record BounceJob(StoredMessage Message, IReadOnlyList<(string Recipient, BounceOrder Order)> Recipients);
