using MailStack.Proxy.Attachments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.UnitTests.Attachments;

/// <summary>Download links (presigning is computed locally, no request is made): their lifetime and where they point.</summary>
public sealed class AttachmentObjectStoreTests : IDisposable
{
    private readonly AttachmentObjectStore _store = Store(maxLinkDays: 30);

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 7)]
    [InlineData(30, 7)]
    public void A_link_lasts_file_ttl_days_but_never_beyond_the_seven_days_S3_can_sign_even_if_configured_longer(int ttlDays, int days) =>
        Assert.Equal(days, _store.LinkDays(ttlDays));

    [Fact]
    public void A_shorter_configured_maximum_cuts_links_further()
    {
        using var store = Store(maxLinkDays: 3);
        Assert.Equal(3, store.LinkDays(30));
    }

    [Fact]
    public async Task Without_a_public_base_url_the_link_points_at_the_store()
    {
        var link = await _store.PresignAsync("mail-attachments", "t1/abc/big file.bin", 7, null);

        Assert.Equal("http://127.0.0.1:9000", link.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/mail-attachments/t1/abc/big%20file.bin", link.AbsolutePath);
        AssertLasts(7, link);
        Assert.Contains("X-Amz-Signature=", link.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://files.example.test", "https://files.example.test/mail-attachments/t1/abc/big%20file.bin?")]
    [InlineData("https://files.example.test/downloads/", "https://files.example.test/downloads/mail-attachments/t1/abc/big%20file.bin?")]
    [InlineData("http://localhost:8080/a/b", "http://localhost:8080/a/b/mail-attachments/t1/abc/big%20file.bin?")]
    public async Task With_a_public_base_url_the_link_starts_with_it_and_is_signed_for_its_host(string publicBaseUrl, string expectedStart)
    {
        var link = await _store.PresignAsync("mail-attachments", "t1/abc/big file.bin", 2, publicBaseUrl);
        var direct = await _store.PresignAsync("mail-attachments", "t1/abc/big file.bin", 2, null);

        Assert.StartsWith(expectedStart, link.AbsoluteUri, StringComparison.Ordinal);
        AssertLasts(2, link);
        // Signed for the public host, not the store's: the signatures differ.
        Assert.NotEqual(Signature(direct), Signature(link));
    }

    /// <summary>
    /// X-Amz-Expires is counted by the SDK from its own reading of the clock, a moment after the
    /// store's: the days asked for, less at most a few seconds of signing — never more.
    /// </summary>
    private static void AssertLasts(int days, Uri link) =>
        Assert.InRange(long.Parse(Parameter(link, "X-Amz-Expires"), System.Globalization.CultureInfo.InvariantCulture), days * 86400L - 60, days * 86400L);

    private static string Parameter(Uri link, string name) =>
        link.Query.TrimStart('?').Split('&').Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private static string Signature(Uri link) =>
        link.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("X-Amz-Signature=", StringComparison.Ordinal));

    private static AttachmentObjectStore Store(int maxLinkDays)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:objects"] = "Endpoint=http://127.0.0.1:9000;AccessKey=access;SecretKey=secret;Bucket=mail-attachments",
        }).Build();
        // The SDK counts X-Amz-Expires from the real clock: the store's clock must be real too.
        return new AttachmentObjectStore(configuration, Options.Create(new ObjectStoreOptions { MaxLinkDays = maxLinkDays }), TimeProvider.System);
    }
}
