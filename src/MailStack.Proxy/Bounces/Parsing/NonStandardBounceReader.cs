using System.Text.RegularExpressions;
using MimeKit;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// Bounces without a delivery-status part, as older or simpler MTAs send them (Postfix without DSN,
/// qmail's "failure notice", Exim's "Mail delivery failed"): recognised by Subject or by a
/// mailer-daemon sender, failed recipients read from the explanation (one per <c>&lt;address&gt;:</c>
/// block), the first 4xx/5xx reply of each block as its code, hard when there is none.
/// </summary>
internal static partial class NonStandardBounceReader
{
    /// <summary>Explanation text read at most; the returned copy below it can be megabytes.</summary>
    private const int MaxTextLength = 64 * 1024;

    /// <summary>Recipient blocks read at most.</summary>
    private const int MaxRecipients = 1000;

    private static readonly string[] DaemonNames = ["mailer-daemon", "mail-daemon", "postmaster", "maildelivery"];

    /// <summary>Whether the message looks like a bounce at all (before anything is read from it).</summary>
    public static bool IsBounce(MimeMessage message, ReportParts parts, string? explanation)
    {
        if (BounceSubject().IsMatch(message.Subject ?? ""))
        {
            return true;
        }

        // A mailer-daemon or postmaster also sends other mail (reports, notices): it is a bounce when
        // it returns a message or quotes a failure reply.
        var senders = message.From.Mailboxes.ToList();
        if (message.Sender is { } sender)
        {
            senders.Add(sender);
        }

        return senders.Any(IsDaemon)
            && (parts.Returned is not null || CopyMarker().IsMatch(explanation ?? "") || SmtpReplyCode.Find(explanation) is not null);
    }

    /// <summary>The human-readable explanation, without the pasted copy of the message (see <see cref="Split"/>).</summary>
    public static string? Text(ReportParts parts)
    {
        if (parts.Text is not { } part)
        {
            return null;
        }

        var text = part.Text ?? "";
        if (text.Length > 4 * MaxTextLength)
        {
            text = text[..(4 * MaxTextLength)];
        }

        return part.IsHtml ? HtmlTag().Replace(text, " ") : text;
    }

    /// <summary>The explanation before a "copy of the message" line, and the pasted message after it (or null).</summary>
    public static (string Explanation, string? Pasted) Split(string text)
    {
        var marker = CopyMarker().Match(text);
        var explanation = marker.Success ? text[..marker.Index] : text;
        return (explanation.Length > MaxTextLength ? explanation[..MaxTextLength] : explanation, marker.Success ? text[(marker.Index + marker.Length)..] : null);
    }

    public static IReadOnlyList<RecipientBounce> Recipients(string explanation)
    {
        var lines = explanation.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<(string Recipient, List<string> Lines)>();
        foreach (var line in lines)
        {
            if (RecipientLine(line) is { } recipient)
            {
                if (blocks.Count >= MaxRecipients)
                {
                    break;
                }

                blocks.Add((recipient.Address, new List<string> { recipient.Text }));
            }
            else if (blocks.Count > 0 && !string.IsNullOrWhiteSpace(line))
            {
                blocks[^1].Lines.Add(line);
            }
        }

        var anywhere = SmtpReplyCode.Find(explanation);
        if (blocks.Count == 0)
        {
            // No recipient named in a form we know: one bounce, for the first address mentioned.
            var address = AnyAddress().Matches(explanation).Select(m => m.Value).FirstOrDefault(a => !IsDaemon(a)) ?? "";
            var reasonLine = anywhere is null ? FirstLines(lines) : lines.FirstOrDefault(l => SmtpReplyCode.Find(l) is not null) ?? FirstLines(lines);
            return [Bounce(address, anywhere, reasonLine)];
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var bounces = new List<RecipientBounce>();
        foreach (var (recipient, blockLines) in blocks)
        {
            var block = string.Join(' ', blockLines);
            if (seen.Add(recipient))
            {
                bounces.Add(Bounce(recipient, SmtpReplyCode.Find(block) ?? anywhere, block));
            }
        }

        return bounces;
    }

    private static RecipientBounce Bounce(string recipient, SmtpReplyCode? reply, string reason) =>
        new(recipient, reply?.Type ?? BounceType.Hard, reply?.Code ?? "", BounceText.Reason(reason));

    private static string FirstLines(string[] lines) => string.Join(' ', lines.Where(l => !string.IsNullOrWhiteSpace(l)).Take(5));

    private static (string Address, string Text)? RecipientLine(string line)
    {
        var match = RecipientLinePattern().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var address = match.Groups["address"].Value;
        return IsDaemon(address) ? null : (address, match.Groups["rest"].Value.Trim());
    }

    private static bool IsDaemon(MailboxAddress mailbox) => IsDaemon(mailbox.Address);

    private static bool IsDaemon(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        var local = at >= 0 ? address[..at] : address;
        return DaemonNames.Any(name => local.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    // genro's subjects, plus the common ones it misses (Gmail's, Exchange's "Undeliverable:").
    [GeneratedRegex(@"(?:mail|message|delivery)\s*(?:delivery|failure|failed|returned|undeliverable)|undelivered\s*mail\s*returned|(?:returned|bounced)\s*mail|failure\s*notice|undeliverable|delivery\s*status\s*notification\s*\((?:failure|delay)\)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BounceSubject();

    // qmail "--- Below this line is a copy of the message.", Exim "------ This is a copy of the message, including all the headers. ------",
    // and the like ("--- Original message follows", "----- Original message -----").
    [GeneratedRegex(@"^[ \t]*-{2,}[^\n]*(?:copy of the message|original message|message follows|returned message|headers of the original)[^\n]*$",
        RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CopyMarker();

    // "<user@example.test>: host mx said: 550 …" (Postfix, qmail) or an address alone on its line (Exim).
    [GeneratedRegex(@"^\s*(?:<(?<address>[^<>\s@]+@[^<>\s]+)>:?(?<rest>.*)|(?<address>[^<>\s@:""()]+@[A-Za-z0-9][A-Za-z0-9.-]*)\s*:?(?<rest>))\s*$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex RecipientLinePattern();

    [GeneratedRegex(@"[^<>\s@:""()\[\],;]+@[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AnyAddress();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HtmlTag();
}
