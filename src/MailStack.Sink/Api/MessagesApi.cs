using System.Globalization;
using MailStack.Sink.Client;
using MailStack.Sink.Search;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary>The Mailpit v1 message endpoints (answers as Mailpit's <c>server/apiv1</c>), plus the <c>wait</c> long-poll extension.</summary>
internal static class MessagesApi
{
    private const int DefaultLimit = 50;
    private const string NoSearchQuery = "Error: no search query";
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    public static void MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/messages", (MessageStore store, TagCatalog tags, string? start, string? limit, string? before) =>
            List(store, tags, null, Paging.From(start, limit, before)));
        api.MapGet("/search", (MessageStore store, TagCatalog tags, string? query, string? start, string? limit, string? before) =>
            string.IsNullOrWhiteSpace(query)
                ? ApiResults.BadRequest(NoSearchQuery)
                : WithQuery(query, q => List(store, tags, q, Paging.From(start, limit, before))));
        api.MapDelete("/messages", DeleteAsync);
        api.MapDelete("/search", (MessageStore store, string? query) =>
            string.IsNullOrWhiteSpace(query)
                ? ApiResults.BadRequest(NoSearchQuery)
                : WithQuery(query, q =>
                {
                    store.Delete(store.Snapshot().Where(q.Matches).Select(m => m.Id).ToList());
                    return ApiResults.Ok();
                }));
        api.MapPut("/messages", SetReadAsync);
        api.MapGet("/message/{id}", (MessageStore store, string id, string? query) =>
            MessageLookup.Resolve(store, id, query, m =>
            {
                m.Read = true;
                return Results.Ok(MessageViews.Detail(m));
            }));
        api.MapGet("/message/{id}/headers", (MessageStore store, string id, string? query) =>
            MessageLookup.Resolve(store, id, query, m => Results.Ok(HeaderMap.Of(m.Parse().Headers))));
        api.MapGet("/message/{id}/raw", (HttpContext context, MessageStore store, string id, string? query, string? dl) =>
            MessageLookup.Resolve(store, id, query, m =>
            {
                if (dl == "1")
                {
                    context.Response.Headers.ContentDisposition = $"attachment; filename=\"{m.Id}.eml\"";
                }

                return Results.Bytes(m.Raw, "text/plain; charset=utf-8");
            }));
        api.MapGet("/message/{id}/part/{partId}", (HttpContext context, MessageStore store, string id, string partId, string? query) =>
            MessageLookup.Resolve(store, id, query, m =>
            {
                var part = MessageViews.Parts(m.Parse()).FirstOrDefault(p => p.PartId == partId).Part;
                if (part is null)
                {
                    return ApiResults.NotFound();
                }

                context.Response.Headers.ContentDisposition = $"inline; filename=\"{Uri.EscapeDataString(MessageViews.FileName(part))}\"";
                return Results.Bytes(MessageViews.Content(part), part.ContentType.MimeType);
            }));
        api.MapGet("/wait", WaitAsync);
    }

    private static IResult List(MessageStore store, TagCatalog tags, SearchQuery? query, Paging paging)
    {
        var all = store.Snapshot();
        var candidates = paging.Before is { } before ? all.Where(m => m.Received < before) : all;
        var matching = query is null ? candidates.ToList() : candidates.Where(query.Matches).ToList();
        var page = paging.Take(matching, unlimitedWhenZero: query is null).Select(MessageSummaries.Of).ToList();
        var unread = all.Count(m => !m.Read);

        // Mailpit: a plain list counts the whole mailbox in messages_count, a search counts its matches.
        return Results.Ok(new MessagesResponse(
            all.Count, unread, page.Count,
            query is null ? all.Count : matching.Count,
            query is null ? unread : matching.Count(m => !m.Read),
            paging.Start, tags.All(), page));
    }

    /// <summary>
    /// Long-poll: returns once <c>count</c> messages match <c>query</c>, or 408 after <c>timeout</c>.
    /// The store version is read before each evaluation, so a message stored at any moment is seen.
    /// </summary>
    private static async Task<IResult> WaitAsync(MessageStore store, TagCatalog tags, string? query, int? count, string? timeout, CancellationToken cancellationToken)
    {
        SearchQuery parsed;
        try
        {
            parsed = SearchQuery.Parse(query);
        }
        catch (FormatException ex)
        {
            return ApiResults.BadRequest(ex.Message);
        }

        var wanted = count ?? 1;
        if (wanted < 1)
        {
            return ApiResults.BadRequest("count must be at least 1");
        }

        if (!TryParseTimeout(timeout, out var limit))
        {
            return ApiResults.BadRequest($"timeout '{timeout}' is not a duration (use e.g. 500ms, 10s, 2m)");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        while (true)
        {
            var version = store.Version;
            var all = store.Snapshot();
            var matching = all.Where(parsed.Matches).ToList();
            if (matching.Count >= wanted)
            {
                return Results.Ok(new MessagesResponse(all.Count, all.Count(m => !m.Read), matching.Count, matching.Count,
                    matching.Count(m => !m.Read), 0, tags.All(), matching.Select(MessageSummaries.Of).ToList()));
            }

            try
            {
                await store.WaitForChangeAsync(version, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Results.Json(
                    new { Error = $"timed out after {limit.TotalSeconds:0.###} s waiting for {wanted} message(s) matching '{query}'; {matching.Count} matched", Matched = matching.Count },
                    statusCode: StatusCodes.Status408RequestTimeout);
            }
        }
    }

    /// <summary>Mailpit: listed IDs are deleted (unknown ones ignored), no IDs deletes everything.</summary>
    private static async Task<IResult> DeleteAsync(MessageStore store, HttpRequest request)
    {
        var (body, error) = await ApiResults.ReadOptionalJsonAsync<DeleteRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (body?.IDs is { Count: > 0 } ids)
        {
            store.Delete(ids);
        }
        else
        {
            store.DeleteAll();
        }

        return ApiResults.Ok();
    }

    /// <summary>Mailpit: <c>{"IDs":[…]}</c> or <c>{"Search":"…"}</c> (not both) or neither for every message.</summary>
    private static async Task<IResult> SetReadAsync(MessageStore store, HttpRequest request)
    {
        var (body, error) = await ApiResults.ReadOptionalJsonAsync<SetReadRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (body is null)
        {
            return ApiResults.BadRequest("a JSON body {\"IDs\":[...],\"Read\":true|false} is required");
        }

        var hasIds = body.IDs is { Count: > 0 };
        if (hasIds && !string.IsNullOrWhiteSpace(body.Search))
        {
            return ApiResults.BadRequest("You may specify either IDs or a search query, not both");
        }

        if (!string.IsNullOrWhiteSpace(body.Search))
        {
            return WithQuery(body.Search, q =>
            {
                store.SetRead(store.Snapshot().Where(q.Matches).Select(m => m.Id).ToList(), body.Read);
                return ApiResults.Ok();
            });
        }

        store.SetRead(hasIds ? body.IDs : null, body.Read);
        return ApiResults.Ok();
    }

    private static IResult WithQuery(string? query, Func<SearchQuery, IResult> run)
    {
        try
        {
            return run(SearchQuery.Parse(query));
        }
        catch (FormatException ex)
        {
            return ApiResults.BadRequest(ex.Message);
        }
    }

    internal static bool TryParseTimeout(string? text, out TimeSpan timeout)
    {
        timeout = TimeSpan.FromSeconds(10);
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim().ToLowerInvariant();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1),
            _ when text.EndsWith('m') => (text[..^1], 60),
            _ => (text, 1),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        timeout = TimeSpan.FromSeconds(Math.Min(value * scale, MaxWait.TotalSeconds));
        return true;
    }

    /// <summary>
    /// Mailpit's paging parameters: what does not parse is ignored (start 0, limit 50);
    /// <c>limit=0</c> lists everything but finds nothing in a search; <c>before</c> is a date.
    /// </summary>
    private sealed record Paging(int Start, int Limit, DateTimeOffset? Before)
    {
        public static Paging From(string? start, string? limit, string? before) => new(
            int.TryParse(start, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 0,
            int.TryParse(limit, CultureInfo.InvariantCulture, out var l) && l > -1 ? l : DefaultLimit,
            DateTimeOffset.TryParse(before, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b) ? b : null);

        public IEnumerable<StoredMessage> Take(IReadOnlyList<StoredMessage> matching, bool unlimitedWhenZero) =>
            Limit == 0 && unlimitedWhenZero ? matching : matching.Skip(Start).Take(Limit);
    }
}
