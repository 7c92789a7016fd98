using System.Text;
using System.Text.RegularExpressions;
using MailStack.Sink.Hosting;

namespace MailStack.Sink.Imap;

/// <summary>LIST/LSUB's reference and pattern: <c>*</c> matches anything, <c>%</c> anything but the delimiter.</summary>
internal sealed class MailboxPattern
{
    public const char Delimiter = '/';

    private readonly Regex _regex;

    public MailboxPattern(string reference, string pattern)
    {
        var full = reference + pattern;
        var regex = new StringBuilder("^");
        foreach (var c in full)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '%' => "[^/]*",
                _ => Regex.Escape(c.ToString()),
            });
        }

        _regex = new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, UserPattern.MatchTimeout);
        InboxPattern = new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Singleline, UserPattern.MatchTimeout);
    }

    private Regex InboxPattern { get; }

    /// <summary>INBOX matches case-insensitively (RFC 3501 5.1), other names exactly.</summary>
    public bool Matches(string name) =>
        name == Storage.MailAccount.InboxName ? InboxPattern.IsMatch(name) : _regex.IsMatch(name);
}
