namespace MailStack.Sink.Bounces;

/// <summary>The SMTP reply a report quotes in its Diagnostic-Code when none is given, by RFC 3463 status.</summary>
public static class BounceDiagnostics
{
    /// <summary>e.g. "550 5.1.1 &lt;x@example.test&gt;: user unknown".</summary>
    public static string Reply(string recipient, string status) => status switch
    {
        "5.1.1" => $"550 5.1.1 <{recipient}>: user unknown",
        "4.2.2" or "5.2.2" => $"{(status[0] == '4' ? 452 : 552)} {status} <{recipient}>: mailbox full",
        "4.4.1" => $"451 4.4.1 <{recipient}>: connection timed out, will retry",
        ['2', ..] => $"250 {status} <{recipient}>: delivered",
        ['4', ..] => $"450 {status} <{recipient}>: delivery failed",
        _ => $"550 {status} <{recipient}>: delivery failed",
    };

    /// <summary>The Diagnostic-Code field: "smtp; " and the reply.</summary>
    public static string DiagnosticCode(string recipient, string status) => $"smtp; {Reply(recipient, status)}";
}
