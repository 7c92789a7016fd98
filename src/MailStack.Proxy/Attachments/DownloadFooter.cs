using System.Globalization;
using System.Net;
using System.Text;
using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// The list of download links appended to a mail's bodies (genro's wording): plain text after a
/// <c>---</c> line, HTML (escaped) before <c>&lt;/body&gt;</c> when there is one, else at the end.
/// </summary>
public static class DownloadFooter
{
    public const string Heading = "Large attachments available for download:";

    public static string AppendToText(string body, IReadOnlyList<DownloadLink> links)
    {
        var footer = new StringBuilder(body).Append("\n\n---\n").Append(Heading).Append('\n');
        foreach (var link in links)
        {
            footer.Append(CultureInfo.InvariantCulture, $"  - {link.FileName} ({Size(link)} MB): {link.Url.AbsoluteUri}\n");
        }

        return footer.Append(CultureInfo.InvariantCulture, $"(Links expire in {Days(links)}.)").ToString();
    }

    public static string AppendToHtml(string body, IReadOnlyList<DownloadLink> links)
    {
        var footer = new StringBuilder("<hr style=\"margin-top: 20px;\"><p><strong>").Append(Heading).Append("</strong></p><ul>");
        foreach (var link in links)
        {
            footer.Append(CultureInfo.InvariantCulture,
                $"<li><a href=\"{WebUtility.HtmlEncode(link.Url.AbsoluteUri)}\">{WebUtility.HtmlEncode(link.FileName)}</a> ({Size(link)} MB)</li>");
        }

        footer.Append(CultureInfo.InvariantCulture, $"</ul><p><em>Links expire in {Days(links)}.</em></p>");
        var end = body.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return end < 0 ? body + footer : body.Insert(end, footer.ToString());
    }

    private static string Size(DownloadLink link) => Megabytes.Format(link.Length);

    private static string Days(IReadOnlyList<DownloadLink> links) => links.Min(l => l.ValidDays) is 1 ? "1 day" : $"{links.Min(l => l.ValidDays)} days";
}
