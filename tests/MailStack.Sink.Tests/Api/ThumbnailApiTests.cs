using MailStack.Sink.Hosting;
using MimeKit;
using SkiaSharp;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary><c>…/part/{PartID}/thumb</c>: 180×120 JPEG thumbnails as Mailpit makes them.</summary>
public sealed class ThumbnailApiTests : SinkApiTest
{
    [Fact]
    public async Task A_large_image_is_cropped_to_fill_the_frame()
    {
        // 600×200: a wide image; filling 180×120 keeps its middle third (green), the red and blue sides are cut.
        using var bitmap = new SKBitmap(600, 200);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Green);
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, 150, 200, red);
            canvas.DrawRect(450, 0, 150, 200, blue);
        }

        var thumb = await ThumbOfAsync("wide.png", "image/png", Png(bitmap));
        Assert.Equal(HttpStatusCode.OK, thumb.Status);
        Assert.Equal("image/jpeg", thumb.ContentType);
        Assert.Equal("filename=\"wide.png\"", thumb.ContentDisposition);
        using var decoded = Decode(thumb);
        Assert.Equal((180, 120), (decoded.Width, decoded.Height));
        foreach (var (x, y) in new[] { (2, 2), (177, 117), (90, 60) })
        {
            AssertColor(SKColors.Green, decoded.GetPixel(x, y));
        }
    }

    [Fact]
    public async Task A_small_image_is_centred_on_white_without_being_enlarged()
    {
        using var bitmap = new SKBitmap(60, 40);
        bitmap.Erase(SKColors.Red);

        using var decoded = Decode(await ThumbOfAsync("dot.png", "image/png", Png(bitmap)));
        Assert.Equal((180, 120), (decoded.Width, decoded.Height));
        AssertColor(SKColors.Red, decoded.GetPixel(90, 60));
        AssertColor(SKColors.White, decoded.GetPixel(5, 5));
        AssertColor(SKColors.White, decoded.GetPixel(90, 30)); // above the 40-pixel-high image
        AssertColor(SKColors.Red, decoded.GetPixel(90, 45));
    }

    [Theory]
    [InlineData("report.pdf", "application/pdf")]
    [InlineData("broken.png", "image/png")]
    public async Task Anything_else_gets_a_blank_white_thumbnail(string fileName, string contentType)
    {
        var thumb = await ThumbOfAsync(fileName, contentType, "%PDF-1.4 not an image"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, thumb.Status);
        Assert.Equal("image/jpeg", thumb.ContentType);
        using var decoded = Decode(thumb);
        Assert.Equal((180, 120), (decoded.Width, decoded.Height));
        Assert.All(new[] { (0, 0), (90, 60), (179, 119) }, p => AssertColor(SKColors.White, decoded.GetPixel(p.Item1, p.Item2)));
    }

    [Fact]
    public async Task A_missing_part_or_message_is_400_as_in_mailpit()
    {
        await SendAsync(Sink, NewMessage("t@example.test", "no parts"));
        var id = Sink.Store.Snapshot()[0].Id;
        foreach (var url in new[] { $"api/v1/message/{id}/part/7/thumb", "api/v1/message/nope/part/2/thumb" })
        {
            var answer = await GetAsync(Http, url);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal("text/plain", answer.ContentType);
            Assert.Equal("attachment not found", answer.Text);
        }
    }

    private async Task<HttpAnswer> ThumbOfAsync(string fileName, string contentType, byte[] content)
    {
        var builder = new BodyBuilder { TextBody = "see attachment" };
        builder.Attachments.Add(fileName, content, ContentType.Parse(contentType));
        var message = NewMessage("thumbs@example.test", fileName);
        message.Body = builder.ToMessageBody();
        await SendAsync(Sink, message);
        var id = Sink.Store.Snapshot()[0].Id;
        var partId = (await GetAsync(Http, $"api/v1/message/{id}")).Json["Attachments"]![0]!["PartID"]!.GetValue<string>();
        return await GetAsync(Http, $"api/v1/message/{id}/part/{partId}/thumb");
    }

    private static byte[] Png(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKBitmap Decode(HttpAnswer answer) => SKBitmap.Decode(answer.Bytes) ?? throw new InvalidOperationException("not an image");

    /// <summary>JPEG is lossy: a colour within a small distance counts.</summary>
    private static void AssertColor(SKColor expected, SKColor actual) =>
        Assert.True(
            Math.Abs(expected.Red - actual.Red) < 40 && Math.Abs(expected.Green - actual.Green) < 40 && Math.Abs(expected.Blue - actual.Blue) < 40,
            $"expected about {expected}, got {actual}");
}
