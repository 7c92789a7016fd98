using MailStack.Proxy.Bounces.Parsing;

namespace MailStack.Proxy.Model;

/// <summary>The outcome of recording a bounce report, and the message it was tied to (when one was).</summary>
public sealed record BounceResult(BounceRecording Recording, string? TenantId = null, string? AccountId = null, string? MessageId = null, BounceType? Type = null)
{
    /// <summary>Handled for good: the report leaves the inbox for the processed folder.</summary>
    public bool Matched => Recording is BounceRecording.Recorded or BounceRecording.Unchanged;
}
