using System.Text.RegularExpressions;
using MailStack.Sink.Client;
using MimeKit;

namespace MailStack.Sink.Api;

/// <summary>
/// Mailpit's List-Unsubscribe check: links in <c>&lt;…&gt;</c>, comma-separated, at most one
/// <c>mailto:</c> and one http(s) link, no spaces; what breaks a rule is reported in <c>Errors</c>.
/// </summary>
internal static partial class ListUnsubscribeParser
{
    public static ListUnsubscribe Of(HeaderList headers)
    {
        if (headers["List-Unsubscribe"] is not { Length: > 0 } header)
        {
            return new ListUnsubscribe("", [], "", "");
        }

        var (links, errors) = Parse(header);
        return new ListUnsubscribe(header, links, errors, headers["List-Unsubscribe-Post"] ?? "");
    }

    private static (IReadOnlyList<string> Links, string Errors) Parse(string value)
    {
        var v = Comments().Replace(value.Trim(), "").Trim();
        if (!Bracketed().IsMatch(v))
        {
            return ([], $"\"{v}\" no valid unsubscribe links found");
        }

        if (!v.StartsWith('<') || !v.EndsWith('>'))
        {
            return ([], $"\"{v}\" should be enclosed in <>");
        }

        var matches = Bracketed().Matches(v);
        if (matches.Count > 2)
        {
            return ([], $"\"{v}\" should include a maximum of one email and one HTTP link");
        }

        if (Joins().Matches(v).Any(j => j.Groups[1].Value.Trim() != ","))
        {
            return ([], $"\"{v}\" <> should be split with a comma and optional spaces");
        }

        var links = new List<string>();
        var errors = new List<string>();
        bool hasMailTo = false, hasHttp = false;
        foreach (Match match in matches)
        {
            var link = match.Groups[1].Value;
            if (link.Any(char.IsWhiteSpace))
            {
                errors.Add($"\"{link}\" should not contain spaces");
            }
            else if (MailTo().IsMatch(link))
            {
                Add(link, ref hasMailTo, "should only contain one mailto:");
            }
            else if (Http().IsMatch(link))
            {
                Add(link, ref hasHttp, "should only contain one HTTP link");
            }
            else
            {
                errors.Add($"\"{link}\" should start with either http(s):// or mailto:");
            }
        }

        return (links, string.Join(", ", errors));

        void Add(string link, ref bool seen, string duplicate)
        {
            if (seen)
            {
                errors.Add($"\"{link}\" {duplicate}");
                return;
            }

            seen = true;
            links.Add(link);
        }
    }

    [GeneratedRegex(@"\(.*?\)", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex("<(.*?)>")]
    private static partial Regex Bracketed();

    [GeneratedRegex(">(.*?)<", RegexOptions.Singleline)]
    private static partial Regex Joins();

    [GeneratedRegex("^mailto:[a-zA-Z0-9]")]
    private static partial Regex MailTo();

    [GeneratedRegex("^https?://[a-zA-Z0-9]", RegexOptions.IgnoreCase)]
    private static partial Regex Http();
}
