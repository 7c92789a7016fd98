using MailStack.Sink.Client;
using System.Globalization;
using System.Text.Json;
using MailStack.Sink.Search;
using MailStack.Sink.Storage;
using MimeKit;

namespace MailStack.Sink.Api;

/// <summary>The Mailpit v1 message endpoints, plus the <c>wait</c> long-poll extension.</summary>
internal static class MessagesApi
{
    private const int DefaultLimit = 50;
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    public static void MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/messages", (MessageStore store, int? start, int? limit) => List(store, SearchQuery.All, start, limit));
        api.MapGet("/search", (MessageStore store, string? query, int? start, int? limit) =>
            WithQuery(query, q => List(store, q, start, limit)));
        api.MapDelete("/messages", DeleteAsync);
        api.MapDelete("/search", (MessageStore store, string? query) =>
            WithQuery(query, q =>
            {
                if (q.IsEmpty)
                {
                    return BadRequest("a search query is required; DELETE /api/v1/messages deletes everything");
                }

                return Results.Ok(new { Deleted = store.Delete(store.Snapshot().Where(q.Matches).Select(m => m.Id).ToList()) });
            }));
        api.MapPut("/messages", SetReadAsync);
        api.MapGet("/message/{id}", (MessageStore store, string id, string? query) =>
            Resolve(store, id, query, m =>
            {
                m.Read = true;
                return Results.Ok(MessageViews.Detail(m));
            }));
        api.MapGet("/message/{id}/headers", (MessageStore store, string id) =>
            Resolve(store, id, null, m => Results.Ok(m.Parse().Headers
                .GroupBy(h => h.Field, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Select(h => h.Value.Trim()).ToList()))));
        api.MapGet("/message/{id}/raw", (MessageStore store, string id) =>
            Resolve(store, id, null, m => Results.Bytes(m.Raw, "message/rfc822")));
        api.MapGet("/message/{id}/part/{partId}", (MessageStore store, string id, string partId) =>
            Resolve(store, id, null, m =>
            {
                var part = MessageViews.Parts(m.Parse()).FirstOrDefault(p => p.PartId == partId).Part;
                if (part is null)
                {
                    return Results.NotFound(new ApiError($"message {id} has no part {partId}"));
                }

                using var content = new MemoryStream();
                part.Content?.DecodeTo(content);
                return Results.File(content.ToArray(), part.ContentType.MimeType, part.FileName);
            }));
        api.MapGet("/wait", WaitAsync);
    }

    private static IResult List(MessageStore store, SearchQuery query, int? start, int? limit)
    {
        if (start is < 0 || limit is < 0)
        {
            return BadRequest("start and limit must not be negative");
        }

        var all = store.Snapshot();
        var matching = query.IsEmpty ? all : all.Where(query.Matches).ToList();
        var from = start ?? 0;
        var page = matching.Skip(from).Take(limit is > 0 ? limit.Value : DefaultLimit).Select(MessageSummaries.Of).ToList();
        return Results.Ok(new MessagesResponse(
            all.Count, all.Count(m => !m.Read), page.Count, matching.Count, matching.Count(m => !m.Read), from, [], page));
    }

    /// <summary>
    /// Long-poll: returns once <c>count</c> messages match <c>query</c>, or 408 after <c>timeout</c>.
    /// The store version is read before each evaluation, so a message stored at any moment is seen.
    /// </summary>
    private static async Task<IResult> WaitAsync(MessageStore store, string? query, int? count, string? timeout, CancellationToken cancellationToken)
    {
        SearchQuery parsed;
        try
        {
            parsed = SearchQuery.Parse(query);
        }
        catch (FormatException ex)
        {
            return BadRequest(ex.Message);
        }

        var wanted = count ?? 1;
        if (wanted < 1)
        {
            return BadRequest("count must be at least 1");
        }

        if (!TryParseTimeout(timeout, out var limit))
        {
            return BadRequest($"timeout '{timeout}' is not a duration (use e.g. 500ms, 10s, 2m)");
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
                    matching.Count(m => !m.Read), 0, [], matching.Select(MessageSummaries.Of).ToList()));
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

    private static async Task<IResult> DeleteAsync(MessageStore store, HttpRequest request)
    {
        var (body, error) = await ReadOptionalJsonAsync<DeleteRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (body?.IDs is not { Count: > 0 } ids)
        {
            store.DeleteAll();
            return Results.Ok(new { Deleted = "all" });
        }

        var missing = ids.Where(id => store.Find(id) is null).ToList();
        store.Delete(ids);
        return missing.Count == 0 ? Results.Ok(new { Deleted = ids.Count }) : Results.NotFound(new ApiError($"not found: {string.Join(", ", missing)}"));
    }

    private static async Task<IResult> SetReadAsync(MessageStore store, HttpRequest request)
    {
        var (body, error) = await ReadOptionalJsonAsync<SetReadRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (body is null)
        {
            return BadRequest("a JSON body {\"IDs\":[...],\"Read\":true|false} is required");
        }

        return Results.Ok(new { Updated = store.SetRead(body.IDs is { Count: > 0 } ids ? ids : null, body.Read) });
    }

    private static IResult Resolve(MessageStore store, string id, string? query, Func<StoredMessage, IResult> found)
    {
        StoredMessage? message;
        if (string.Equals(id, "latest", StringComparison.OrdinalIgnoreCase))
        {
            SearchQuery parsed;
            try
            {
                parsed = SearchQuery.Parse(query);
            }
            catch (FormatException ex)
            {
                return BadRequest(ex.Message);
            }

            message = store.Snapshot().FirstOrDefault(parsed.Matches);
        }
        else
        {
            message = store.Find(id);
        }

        return message is null ? Results.NotFound(new ApiError($"message '{id}' not found")) : found(message);
    }

    private static IResult WithQuery(string? query, Func<SearchQuery, IResult> run)
    {
        try
        {
            return run(SearchQuery.Parse(query));
        }
        catch (FormatException ex)
        {
            return BadRequest(ex.Message);
        }
    }

    internal static IResult BadRequest(string message) => Results.BadRequest(new ApiError(message));

    /// <summary>Reads a JSON body if there is one; malformed JSON is a 400 naming the problem.</summary>
    internal static async Task<(T? Body, IResult? Error)> ReadOptionalJsonAsync<T>(HttpRequest request)
        where T : class
    {
        if (request.ContentLength == 0)
        {
            return (null, null);
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(text, SinkJson.Options), null);
        }
        catch (JsonException ex)
        {
            return (null, BadRequest($"invalid JSON body: {ex.Message}"));
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
}
