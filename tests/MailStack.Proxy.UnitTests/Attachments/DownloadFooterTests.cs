using MailStack.Proxy.Attachments;

namespace MailStack.Proxy.UnitTests.Attachments;

/// <summary>The download footer: genro's wording, every link, names and URLs escaped in HTML.</summary>
public sealed class DownloadFooterTests
{
    private static readonly DownloadLink[] Links =
    [
        new("big <b>&\"report\".pdf", 15 * 1024 * 1024 + 200_000, new Uri("http://localhost:9000/b/k?X-Amz-Expires=604800&X-Amz-Signature=ab"), 7),
        new("video.mp4", 3 * 1024 * 1024, new Uri("http://localhost:9000/b/v"), 7),
    ];

    [Fact]
    public void The_text_footer_lists_each_link_after_a_rule()
    {
        Assert.Equal(
            "Hello\n\n---\nLarge attachments available for download:\n"
            + "  - big <b>&\"report\".pdf (15.2 MB): http://localhost:9000/b/k?X-Amz-Expires=604800&X-Amz-Signature=ab\n"
            + "  - video.mp4 (3.0 MB): http://localhost:9000/b/v\n"
            + "(Links expire in 7 days.)",
            DownloadFooter.AppendToText("Hello", Links));
    }

    [Fact]
    public void The_html_footer_escapes_names_and_urls_and_goes_before_the_body_end()
    {
        Assert.Equal(
            "<html><body><p>Hi</p>"
            + "<hr style=\"margin-top: 20px;\"><p><strong>Large attachments available for download:</strong></p><ul>"
            + "<li><a href=\"http://localhost:9000/b/k?X-Amz-Expires=604800&amp;X-Amz-Signature=ab\">big &lt;b&gt;&amp;&quot;report&quot;.pdf</a> (15.2 MB)</li>"
            + "<li><a href=\"http://localhost:9000/b/v\">video.mp4</a> (3.0 MB)</li>"
            + "</ul><p><em>Links expire in 7 days.</em></p></body></html>",
            DownloadFooter.AppendToHtml("<html><body><p>Hi</p></BODY></html>".Replace("</BODY>", "</body>", StringComparison.Ordinal), Links));
    }

    [Fact]
    public void Html_without_a_body_element_gets_the_footer_at_the_end_and_one_day_is_singular()
    {
        var html = DownloadFooter.AppendToHtml("<p>Hi</p>", [Links[1] with { ValidDays = 1 }]);

        Assert.StartsWith("<p>Hi</p><hr", html, StringComparison.Ordinal);
        Assert.EndsWith("<p><em>Links expire in 1 day.</em></p>", html, StringComparison.Ordinal);
    }
}
