namespace MailStack.Sink.Hosting;

/// <summary>
/// Where <c>POST /api/v1/message/{ID}/release</c> relays a message (Mailpit's <c>--smtp-relay-*</c>);
/// bound from <c>Sink:Release</c>. No <see cref="Host"/>: release answers that it is not configured.
/// </summary>
public sealed class ReleaseOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary><c>none</c> (plain), <c>starttls</c> or <c>tls</c> (implicit TLS).</summary>
    public string Tls { get; set; } = "none";

    /// <summary>Accept a self-signed certificate (another local sink's).</summary>
    public bool AllowUntrustedCertificates { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Regex: only matching recipients may be released to.</summary>
    public string? AllowedRecipients { get; set; }

    /// <summary>Regex: matching recipients are refused.</summary>
    public string? BlockedRecipients { get; set; }

    /// <summary>Replaces the Return-Path and the envelope sender.</summary>
    public string? ReturnPath { get; set; }

    /// <summary>Replaces the From header and the envelope sender.</summary>
    public string? OverrideFrom { get; set; }

    /// <summary>Keep the Message-ID (Mailpit gives a released copy a new one by default).</summary>
    public bool PreserveMessageIds { get; set; }
}
