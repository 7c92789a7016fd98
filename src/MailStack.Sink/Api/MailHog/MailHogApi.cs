using System.Globalization;
using System.Text;
using MailStack.Sink.Client;
using MailStack.Sink.Hosting;
using MailStack.Sink.Storage;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Api.MailHog;

/// <summary>
/// MailHog's API beside Mailpit's: v2 <c>messages</c> and <c>search</c> (kind from|to|containing),
/// and the v1 routes under <c>/api/v1/messages/{id}</c>, which Mailpit does not use. Where both use
/// one path (<c>GET/DELETE /api/v1/messages</c>, <c>/api/v1/events</c>) Mailpit's answer stands.
/// </summary>
internal static class MailHogApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 250;
    private const string TextJson = "text/json";

    public static void MapMailHogApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/messages", (MessageStore store, IOptions<MailSinkOptions> options, string? start, string? limit) =>
        {
            var all = store.Snapshot();
            var (from, take) = Paging(start, limit);
            return Json(List(all, all.Count, from, take, options.Value.Smtp.HostName), TextJson);
        });
        app.MapGet("/api/v2/search", (MessageStore store, IOptions<MailSinkOptions> options, string? kind, string? query, string? start, string? limit) =>
        {
            // MailHog answers an unknown kind or an empty query with a bare 400.
            if (kind is not ("from" or "to" or "containing") || string.IsNullOrEmpty(query))
            {
                return Results.StatusCode(StatusCodes.Status400BadRequest);
            }

            var hostName = options.Value.Smtp.HostName;
            var needle = query.ToLowerInvariant();
            var matching = store.Snapshot().Where(m => Matches(MailHogMessage.Of(m, hostName), kind, needle)).ToList();
            var (from, take) = Paging(start, limit);
            return Json(List(matching, matching.Count, from, take, hostName), "application/json");
        });

        var v1 = app.MapGroup("/api/v1/messages/{id}");
        v1.MapGet("", (MessageStore store, IOptions<MailSinkOptions> options, string id) =>
            Find(store, id, m => Json(MailHogMessage.Of(m, options.Value.Smtp.HostName), TextJson)));
        v1.MapDelete("", (MessageStore store, string id) =>
            Find(store, id, m =>
            {
                store.Delete([m.Id]);
                return Results.Text("", TextJson);
            }));
        v1.MapGet("/download", (HttpContext context, MessageStore store, string id) =>
            Find(store, id, m =>
            {
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{m.Id}.eml\"";
                return Results.Bytes(m.Raw, "message/rfc822");
            }));
        v1.MapGet("/mime/part/{part}/download", (HttpContext context, MessageStore store, IOptions<MailSinkOptions> options, string id, string part) =>
            Find(store, id, m => DownloadPart(context, MailHogMessage.Of(m, options.Value.Smtp.HostName), part)));
    }

    private static MailHogList List(IReadOnlyList<StoredMessage> newestFirst, int total, int start, int limit, string hostName)
    {
        var items = newestFirst.Skip(start).Take(limit).Select(m => MailHogMessage.Of(m, hostName)).ToList();
        return new MailHogList(total, items.Count, start, items);
    }

    /// <summary>MailHog's in-memory search: the envelope or the header, or for "containing" the body or any header.</summary>
    private static bool Matches(MailHogMessage message, string kind, string needle)
    {
        bool Has(string? text) => text is not null && text.Contains(needle, StringComparison.OrdinalIgnoreCase);
        bool Header(string name) => message.Content.Headers.TryGetValue(name, out var values) && values.Any(Has);
        return kind switch
        {
            "to" => message.To.Any(p => Has($"{p.Mailbox}@{p.Domain}")) || Header("To"),
            "from" => Has($"{message.From.Mailbox}@{message.From.Domain}") || Header("From"),
            _ => Has(message.Content.Body) || message.Content.Headers.Values.Any(v => v.Any(Has)),
        };
    }

    /// <summary>MailHog: start when positive, limit when positive (at most 250).</summary>
    private static (int Start, int Limit) Paging(string? start, string? limit) => (
        int.TryParse(start, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 0,
        int.TryParse(limit, CultureInfo.InvariantCulture, out var l) && l > 0 ? Math.Min(l, MaxLimit) : DefaultLimit);

    /// <summary>A MIME part by its index in MIME.Parts, with its own headers; base64 bodies decoded.</summary>
    private static IResult DownloadPart(HttpContext context, MailHogMessage message, string part)
    {
        if (message.Mime is not { } mime || !int.TryParse(part, CultureInfo.InvariantCulture, out var index) || index < 0 || index >= mime.Parts.Count)
        {
            return ApiResults.NotFound();
        }

        var content = mime.Parts[index];
        var headers = context.Response.Headers;
        headers.ContentDisposition = $"attachment; filename=\"{message.ID}-part-{part}\"";
        string? contentType = null;
        var base64 = false;
        foreach (var (name, values) in content.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = values[^1];
            }
            else if (name.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
            {
                headers.ContentDisposition = values[^1];
            }
            else if (name.Equals("Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                base64 = values[0].Equals("base64", StringComparison.OrdinalIgnoreCase);
                headers.Append(name, values.ToArray());
            }
            else
            {
                headers.Append(name, values.ToArray());
            }
        }

        var body = Encoding.UTF8.GetBytes(content.Body);
        if (base64)
        {
            try
            {
                body = Convert.FromBase64String(content.Body);
            }
            catch (FormatException)
            {
                // MailHog logs the failure and sends the body as it is.
            }
        }

        return Results.Bytes(body, contentType);
    }

    private static IResult Find(MessageStore store, string id, Func<StoredMessage, IResult> found) =>
        store.Find(id) is { } message ? found(message) : ApiResults.NotFound();

    private static IResult Json<T>(T value, string contentType) => Results.Json(value, SinkJson.Options, contentType);
}
