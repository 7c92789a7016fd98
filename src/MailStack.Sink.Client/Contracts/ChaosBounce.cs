namespace MailStack.Sink.Client;

/// <summary>The report of a <see cref="ChaosAction.Bounce"/> rule (ext).</summary>
public sealed class ChaosBounce
{
    public BounceType Type { get; set; } = BounceType.Hard;

    /// <summary>RFC 3463 status, e.g. "5.1.1"; the type's default when absent.</summary>
    public string? Status { get; set; }

    /// <summary>The Diagnostic-Code, e.g. "smtp; 550 5.1.1 user unknown"; derived from the status when absent.</summary>
    public string? Diagnostic { get; set; }
}
