using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Ui;

/// <summary>The UI's files over plain HTTP: served from the assembly, with their policy and caching headers.</summary>
public sealed partial class UiAssetsTests
{
    [GeneratedRegex(@"(?:href|src)=""(/ui/[^""]+)""")]
    private static partial Regex AssetReference();

    [Fact]
    public async Task Page_and_every_asset_it_references_are_served_with_their_types()
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };

        using var page = await http.GetAsync("/", Cancellation);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);

        var html = await page.Content.ReadAsStringAsync(Cancellation);
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("/ui/js/app.js", assets);
        Assert.Contains("/ui/css/app.css", assets);
        foreach (var asset in assets)
        {
            using var response = await http.GetAsync(asset, Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
            var expected = asset.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript";
            Assert.Equal(expected, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        }
    }

    [Fact]
    public async Task Unchanged_asset_is_a_304_and_an_unknown_one_a_404_with_a_reason()
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };

        using var first = await http.GetAsync("/ui/js/app.js", Cancellation);
        var etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/js/app.js");
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var notModified = await http.SendAsync(again, Cancellation);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var missing = await http.GetAsync("/ui/js/nothing-here.js", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("no UI file 'js/nothing-here.js'", (await missing.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("Error").GetString());
    }
}
