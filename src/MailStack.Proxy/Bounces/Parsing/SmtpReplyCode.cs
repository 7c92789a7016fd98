using System.Text.RegularExpressions;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// The first failure reply quoted in free text (a Diagnostic-Code, a non-standard bounce): a basic
/// SMTP code (550), often followed by an enhanced one (550 5.1.1, 550-5.1.1), or an enhanced one alone.
/// </summary>
internal readonly partial record struct SmtpReplyCode(string? Basic, EnhancedStatusCode? Enhanced)
{
    /// <summary>genro's bounce_code from text: the basic code when there is one, else the enhanced digits.</summary>
    public string Code => Basic ?? Enhanced?.ToCode() ?? "";

    public BounceType Type => BounceClassification.Classify(Enhanced, Basic, delayed: false);

    /// <summary>The first 4xx/5xx reply in <paramref name="text"/>, or null.</summary>
    public static SmtpReplyCode? Find(string? text)
    {
        if (string.IsNullOrEmpty(text) || Reply().Match(text) is not { Success: true } match)
        {
            return null;
        }

        var basic = match.Groups["basic"];
        var enhanced = match.Groups["enhanced"];
        return new SmtpReplyCode(basic.Success ? basic.Value : null, enhanced.Success ? EnhancedStatusCode.Parse(enhanced.ValueSpan) : null);
    }

    // Not inside a word, a number, an IP address or a host:port; "550 5.1.1", "550-5.1.1", "550", "5.1.1".
    [GeneratedRegex(@"(?<![\w.:/-])(?:(?<basic>[45]\d\d)(?:[ -]+(?<enhanced>[45]\.\d{1,3}\.\d{1,3}))?|(?<enhanced>[45]\.\d{1,3}\.\d{1,3}))(?![\w@]|[.:]\d)",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Reply();
}
