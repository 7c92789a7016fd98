using System.Text.RegularExpressions;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>Text from a report made fit for a bounce reason: one line, collapsed white space, at most 500 characters.</summary>
internal static partial class BounceText
{
    public static string Reason(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var line = Whitespace().Replace(text, " ").Trim();
        if (line.Length <= RecipientBounce.MaxReasonLength)
        {
            return line;
        }

        // Never cut a surrogate pair in two.
        var length = char.IsHighSurrogate(line[RecipientBounce.MaxReasonLength - 1]) ? RecipientBounce.MaxReasonLength - 1 : RecipientBounce.MaxReasonLength;
        return line[..length];
    }

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
