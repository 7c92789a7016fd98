using System.Net;
using System.Text.RegularExpressions;
using MailStack.Sink.Client;

namespace MailStack.Sink.LinkCheck;

/// <summary>
/// The links Mailpit's link check looks at, in its order: HTML <c>a[href]</c>, stylesheet
/// <c>link[href]</c> and <c>img[src]</c> that are http(s) URLs, then URLs in the text part;
/// each once, 100 at most.
/// </summary>
internal static partial class LinkExtractor
{
    public const int MaxLinks = 100;

    public static IReadOnlyList<string> Links(MessageDetail message)
    {
        var links = new List<string>();
        var html = new[]
        {
            Attributes(Anchors(), message.HTML),
            Attributes(Stylesheets(), message.HTML),
            Attributes(Images(), message.HTML),
        }.SelectMany(l => l).Where(l => HttpLink().IsMatch(l));
        var text = TextLinks().Matches(message.Text).Select(m => m.Groups[2].Value)
            .Concat(BracketedLinks().Matches(message.Text).Select(m => m.Groups[1].Value.Replace("\n", "", StringComparison.Ordinal)));
        foreach (var link in html.Concat(text))
        {
            if (links.Count == MaxLinks)
            {
                break;
            }

            if (!links.Contains(link, StringComparer.Ordinal))
            {
                links.Add(link);
            }
        }

        return links;
    }

    private static IEnumerable<string> Attributes(Regex tag, string html) =>
        tag.Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("""<a\s[^>]*?\bhref\s*=\s*(?:"(?<value>[^"]*)"|'(?<value>[^']*)'|(?<value>[^\s>]+))""", RegexOptions.IgnoreCase)]
    private static partial Regex Anchors();

    [GeneratedRegex("""<link\s(?=[^>]*\brel\s*=\s*["']?stylesheet["'\s>])[^>]*?\bhref\s*=\s*(?:"(?<value>[^"]*)"|'(?<value>[^']*)'|(?<value>[^\s>]+))""", RegexOptions.IgnoreCase)]
    private static partial Regex Stylesheets();

    [GeneratedRegex("""<img\s[^>]*?\bsrc\s*=\s*(?:"(?<value>[^"]*)"|'(?<value>[^']*)'|(?<value>[^\s>]+))""", RegexOptions.IgnoreCase)]
    private static partial Regex Images();

    [GeneratedRegex(@"\b(http|https)://([\-\w@:%_\+'!.~#?,&/=;]+)", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex HttpLink();

    // Mailpit's text pattern wants a character before the URL that is not '<' (bracketed links are the next pattern).
    [GeneratedRegex(@"([^<]\b)((http|https)://([\-\w@:%_\+'!.~#?,&/=;]+))", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex TextLinks();

    [GeneratedRegex(@"<((http|https)://([\-\w@:%_\+'!.~#?,&/=;][^>]+))>", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex BracketedLinks();
}
