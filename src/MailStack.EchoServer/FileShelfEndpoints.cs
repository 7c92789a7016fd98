using System.Security.Cryptography;
using System.Text.Json;

namespace MailStack.EchoServer;

/// <summary>
/// <c>PUT /files/{name}?status=&amp;delayMs=&amp;authorization=</c> stores a file (the body);
/// <c>GET /files/{name}</c> serves it (the proxy's <c>http_url</c>); <c>POST /mail-proxy/attachments</c>
/// with <c>{"storage_path": name}</c> serves it as a tenant's attachment endpoint; both are recorded in
/// the request journal. <c>GET /files-stats?folder=</c> tells how many fetches a folder had and the most at once.
/// </summary>
internal static class FileShelfEndpoints
{
    public const string AttachmentPath = "/mail-proxy/attachments";

    public static void MapFileShelf(this WebApplication app)
    {
        app.MapPut("/files/{**name}", async (string name, int? status, int? delayMs, string? authorization, HttpRequest request, FileShelf shelf) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            var bytes = body.ToArray();
            shelf.Put(name, new ServedFile(bytes, status ?? 200, delayMs ?? 0, authorization));
#pragma warning disable CA5351 // MD5 is what the proxy's content_md5 carries.
            return Results.Ok(new { ok = true, name, length = bytes.Length, md5 = Convert.ToHexStringLower(MD5.HashData(bytes)) });
#pragma warning restore CA5351
        });
        app.MapGet("/files/{**name}", (string name, HttpContext context, FileShelf shelf, RequestJournal journal) =>
        {
            Record(context, journal, "");
            return ServeAsync(name, context, shelf);
        });
        app.MapPost(AttachmentPath, async (HttpContext context, FileShelf shelf, RequestJournal journal) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var json = await reader.ReadToEndAsync(context.RequestAborted);
            Record(context, journal, json);
            string? name = null;
            try
            {
                using var document = JsonDocument.Parse(json);
                name = document.RootElement.TryGetProperty("storage_path", out var path) ? path.GetString() : null;
            }
            catch (JsonException)
            {
            }

            return name is null
                ? Results.BadRequest(new { ok = false, detail = "a JSON body {\"storage_path\": …} is required" })
                : await ServeAsync(name, context, shelf);
        });
        app.MapGet("/files-stats", (string? folder, FileShelf shelf) =>
        {
            var stats = shelf.Stats(folder ?? "");
            return Results.Ok(new { requests = stats.Requests, max_in_flight = stats.MaxInFlight });
        });
    }

    private static void Record(HttpContext context, RequestJournal journal, string body) =>
        journal.Record(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body);

    private static async Task<IResult> ServeAsync(string name, HttpContext context, FileShelf shelf)
    {
        using var _ = shelf.Enter(name);
        if (shelf.Find(name) is not { } file)
        {
            return Results.NotFound(new { ok = false, detail = $"no file '{name}'" });
        }

        if (file.DelayMilliseconds > 0)
        {
            await Task.Delay(file.DelayMilliseconds, context.RequestAborted);
        }

        if (file.RequiredAuthorization is { } required && context.Request.Headers.Authorization.ToString() != required)
        {
            return Results.Json(new { ok = false, detail = "unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        return file.Status == 200
            ? Results.Bytes(file.Bytes, "application/octet-stream")
            : Results.StatusCode(file.Status);
    }
}
