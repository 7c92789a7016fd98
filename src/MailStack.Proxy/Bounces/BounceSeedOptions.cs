using MailStack.Proxy.Model;

namespace MailStack.Proxy.Bounces;

/// <summary><c>Proxy:Bounce:Seed</c>: the bounce fields of <c>/instance</c> as configuration, e.g. <c>Proxy__Bounce__Seed__ImapHost</c>.</summary>
public sealed class BounceSeedOptions
{
    public bool? Enabled { get; set; }

    public string? ImapHost { get; set; }

    public int? ImapPort { get; set; }

    public string? ImapUser { get; set; }

    public string? ImapPassword { get; set; }

    public string? ImapFolder { get; set; }

    public bool? ImapSsl { get; set; }

    public int? PollInterval { get; set; }

    public string? ReturnPath { get; set; }

    public bool? DeleteProcessed { get; set; }

    /// <summary>Nothing configured: nothing to seed.</summary>
    public bool IsEmpty => ToPayload() == Empty;

    public InstancePayload ToPayload() =>
        new(null, null, Enabled, ImapHost, ImapPort, ImapUser, ImapPassword, ImapFolder, ImapSsl, PollInterval, ReturnPath, DeleteProcessed);

    private static readonly InstancePayload Empty = new(null, null, null, null, null, null, null, null, null, null, null, null);
}
