namespace MailStack.Sink.Client;

/// <summary>A Mailpit chaos trigger: fail with <see cref="ErrorCode"/> in <see cref="Probability"/>% of cases.</summary>
public sealed class ChaosTrigger
{
    public int ErrorCode { get; set; } = 451;

    /// <summary>0–100.</summary>
    public int Probability { get; set; }
}

/// <summary>Where in an SMTP (or IMAP: the <c>Imap*</c> stages) session a rule applies.</summary>
public enum ChaosStage
{
    Connect,
    Ehlo,
    Auth,
    Mail,
    Rcpt,
    Data,
    DataEnd,

    /// <summary>IMAP LOGIN / AUTHENTICATE (JSON "imap-login"; the address is the user).</summary>
    ImapLogin,

    /// <summary>IMAP SELECT / EXAMINE (JSON "imap-select"; the address is the user).</summary>
    ImapSelect,

    /// <summary>IMAP FETCH / UID FETCH (JSON "imap-fetch"; the address is the user).</summary>
    ImapFetch,
}

/// <summary>What a matching rule does.</summary>
public enum ChaosAction
{
    /// <summary>Answer with the rule's reply instead of the normal one.</summary>
    Reply,

    /// <summary>Wait <see cref="ChaosRule.DelayMilliseconds"/>, then continue normally.</summary>
    Delay,

    /// <summary>Close the connection without a reply.</summary>
    Disconnect,

    /// <summary>Wait <see cref="ChaosRule.DelayMilliseconds"/>, then answer with the rule's reply.</summary>
    Throttle,

    /// <summary>
    /// Accept (250), then — at once or after <see cref="ChaosRule.DelayMilliseconds"/> — send the envelope
    /// sender a delivery status notification (<see cref="ChaosRule.Bounce"/>) for the matched recipient
    /// (rcpt stage) or all recipients (mail, data, data-end).
    /// </summary>
    Bounce,
}

/// <summary>
/// An extended fault rule (ext): at <see cref="Stage"/>, for sessions selected by probability,
/// every Nth or after N occurrences, or an address pattern, do <see cref="Action"/>.
/// </summary>
public sealed class ChaosRule
{
    public ChaosStage Stage { get; set; }

    public ChaosAction Action { get; set; } = ChaosAction.Reply;

    public int Code { get; set; } = 451;

    /// <summary>e.g. "4.7.1"; derived from the code's class when absent.</summary>
    public string? EnhancedCode { get; set; }

    public string? Text { get; set; }

    /// <summary>0–100; applies on top of the other selectors.</summary>
    public double Probability { get; set; } = 100;

    /// <summary>Matches the Nth, 2Nth, … occurrence of the stage.</summary>
    public int? EveryNth { get; set; }

    /// <summary>Matches every occurrence after the first N.</summary>
    public int? AfterN { get; set; }

    /// <summary>Regex on the address (MAIL FROM at mail, RCPT TO at rcpt, the user at auth).</summary>
    public string? AddressPattern { get; set; }

    public int DelayMilliseconds { get; set; }

    /// <summary>What the report says, for <see cref="ChaosAction.Bounce"/>; a hard bounce when absent.</summary>
    public ChaosBounce? Bounce { get; set; }
}

/// <summary>The chaos configuration: Mailpit's three triggers plus the extended rules.</summary>
public sealed class ChaosSettings
{
    public ChaosTrigger Sender { get; set; } = new();

    public ChaosTrigger Recipient { get; set; } = new();

    public ChaosTrigger Authentication { get; set; } = new();

    public List<ChaosRule> Rules { get; set; } = [];

    /// <summary>Seed for the random selection, so a run can be reproduced; null picks one.</summary>
    public int? Seed { get; set; }

    /// <summary>A named preset that adds its rules (reject_all, temp_fail, rate_limit, timeout, auth_fail, random, address_rules).</summary>
    public string? Preset { get; set; }

    /// <summary>For the rate_limit preset: how many messages are accepted before 452.</summary>
    public int RateLimit { get; set; } = 10;
}
