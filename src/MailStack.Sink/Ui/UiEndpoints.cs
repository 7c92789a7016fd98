namespace MailStack.Sink.Ui;

/// <summary>
/// The web UI: <c>/</c> is the single page, <c>/ui/…</c> its modules and styles. Plain ES modules,
/// no build step, nothing from outside the sink (works offline).
/// </summary>
internal static class UiEndpoints
{
    /// <summary>
    /// The page runs only its own scripts. Images, styles and fonts from elsewhere are allowed here
    /// because a message's HTML (a sandboxed srcdoc frame) inherits this policy; the frame's own,
    /// stricter policy is what blocks remote content until the user asks for it.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'; "
        + "connect-src 'self'; frame-src 'self'; img-src 'self' data: http: https:; style-src 'self' 'unsafe-inline' http: https:; "
        + "font-src 'self' data: http: https:";

    public static void MapMailSinkUi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/ui/{**path}", (HttpContext context, string path) => Serve(context, path)).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, string path)
    {
        if (UiAssets.Find(path) is not { } asset)
        {
            return Results.NotFound(new MailStack.Sink.Client.ApiError($"no UI file '{path}'"));
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (cheap 304s), so a new sink build is never hidden by a cache.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
