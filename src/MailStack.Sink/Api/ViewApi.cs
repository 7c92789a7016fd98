using System.Text.RegularExpressions;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary>
/// Mailpit's testing views: <c>/view/{ID}.html</c> (the HTML part, inline images pointed at the part
/// API; <c>?embed=1</c> opens links in a new tab) and <c>/view/{ID}.txt</c> (the text part);
/// <c>latest</c> (with <c>?query=</c>) works for both.
/// </summary>
internal static partial class ViewApi
{
    public static void MapViewApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/view/{id}.html", (HttpRequest request, MessageStore store, string id, string? query, string? embed) =>
            View(store, id, query, m => Html(request, m, embed == "1")));
        app.MapGet("/view/{id}.txt", (MessageStore store, string id, string? query) =>
            View(store, id, query, m => Results.Text(MessageViews.Detail(m).Text, "text/plain; charset=utf-8")));
    }

    /// <summary>As Mailpit: reading a view marks the message read, and an unknown ID says "Message not found".</summary>
    private static IResult View(MessageStore store, string id, string? query, Func<StoredMessage, IResult> render)
    {
        if (!string.Equals(id, MessageLookup.Latest, StringComparison.Ordinal) && store.Find(id) is null)
        {
            return ApiResults.NoLatest();
        }

        return MessageLookup.Resolve(store, id, query, m =>
        {
            m.Read = true;
            return render(m);
        });
    }

    private static IResult Html(HttpRequest request, StoredMessage message, bool embed)
    {
        var detail = MessageViews.Detail(message);
        if (detail.HTML.Length == 0)
        {
            return ApiResults.NoLatest("This message does not contain a HTML part");
        }

        var html = detail.HTML;
        foreach (var part in detail.Inline.Concat(detail.Attachments).Where(p => p.ContentID.Length > 0))
        {
            var url = $"{request.PathBase}/api/v1/message/{message.Id}/part/{part.PartID}";
            html = Regex.Replace(html, $"""(=["']?)(cid:{Regex.Escape(part.ContentID)})(["'\s/>;])""", m => m.Groups[1].Value + url + m.Groups[3].Value, RegexOptions.IgnoreCase);
        }

        if (embed)
        {
            html = AnchorTag().Replace(html, "<a target=\"_blank\" rel=\"noreferrer noopener\"");
        }

        return Results.Text(html, "text/html; charset=utf-8");
    }

    [GeneratedRegex(@"<a(?=\s)", RegexOptions.IgnoreCase)]
    private static partial Regex AnchorTag();
}
