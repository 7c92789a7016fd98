using MailStack.Sink.Storage;
using SkiaSharp;

namespace MailStack.Sink.Api;

/// <summary>
/// <c>GET /api/v1/message/{ID}/part/{PartID}/thumb</c>: Mailpit's 180×120 JPEG thumbnail. A large
/// image is scaled and cropped to fill the frame, a small one is scaled down to fit and centred on
/// white; a part that is not an image (or does not decode) gets a blank white thumbnail.
/// </summary>
internal static class ThumbnailApi
{
    public const int Width = 180;
    public const int Height = 120;
    private const int Quality = 70;
    private const long MaxDecodedPixels = 20_000_000;

    public static void MapThumbnailApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/message/{id}/part/{partId}/thumb", (HttpContext context, MessageStore store, string id, string partId) =>
        {
            // Mailpit answers a missing message or part here with a 400, not a 404.
            var part = store.Find(id) is { } message ? MessageViews.Parts(message.Parse()).FirstOrDefault(p => p.PartId == partId).Part : null;
            if (part is null)
            {
                return ApiResults.BadRequest("attachment not found");
            }

            context.Response.Headers.ContentDisposition = $"filename=\"{MessageViews.FileName(part)}\"";
            var image = part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase) ? Render(MessageViews.Content(part)) : null;
            return Results.Bytes(image ?? Blank(), "image/jpeg");
        });

    private static byte[]? Render(byte[] content)
    {
        using var codec = SKCodec.Create(new MemoryStream(content));
        if (codec is null || (long)codec.Info.Width * codec.Info.Height > MaxDecodedPixels)
        {
            return null;
        }

        using var source = SKBitmap.Decode(codec);
        if (source is null)
        {
            return null;
        }

        using var surface = WhiteSurface();
        var sampling = new SKSamplingOptions(SKCubicResampler.Mitchell);
        using var image = SKImage.FromBitmap(source);
        surface.Canvas.DrawImage(image, SourceRect(source.Width, source.Height), TargetRect(source.Width, source.Height), sampling);
        return Encode(surface);
    }

    /// <summary>Filling crops the centre of the source to the frame's aspect; fitting uses all of it.</summary>
    private static SKRect SourceRect(int width, int height)
    {
        if (Fits(width, height))
        {
            return SKRect.Create(width, height);
        }

        var scale = Math.Max((float)Width / width, (float)Height / height);
        float cropWidth = Width / scale, cropHeight = Height / scale;
        return SKRect.Create((width - cropWidth) / 2, (height - cropHeight) / 2, cropWidth, cropHeight);
    }

    private static SKRect TargetRect(int width, int height)
    {
        if (!Fits(width, height))
        {
            return SKRect.Create(Width, Height);
        }

        // Scaled down (never up) to fit, centred.
        var scale = Math.Min(1f, Math.Min((float)Width / width, (float)Height / height));
        float w = width * scale, h = height * scale;
        return SKRect.Create((Width - w) / 2, (Height - h) / 2, w, h);
    }

    /// <summary>Mailpit fits an image smaller than the frame in either direction, and fills with anything larger.</summary>
    private static bool Fits(int width, int height) => width < Width || height < Height;

    private static byte[] Blank()
    {
        using var surface = WhiteSurface();
        return Encode(surface);
    }

    private static SKSurface WhiteSurface()
    {
        var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        surface.Canvas.Clear(SKColors.White);
        return surface;
    }

    private static byte[] Encode(SKSurface surface)
    {
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return data.ToArray();
    }
}
