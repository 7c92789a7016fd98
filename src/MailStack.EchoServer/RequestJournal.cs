using System.Collections.Concurrent;
using System.Text;

namespace MailStack.EchoServer;

/// <summary>One request as the echo server received it.</summary>
public sealed record RecordedRequest(
    long Sequence,
    DateTimeOffset ReceivedAt,
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    string Body);

/// <summary>Every request the echo server received, in arrival order.</summary>
public sealed class RequestJournal
{
    /// <summary>Bodies beyond this are truncated in the journal (the request still succeeds).</summary>
    public const int MaxRecordedBodyBytes = 1024 * 1024;

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private long _sequence;

    public RecordedRequest Record(string method, string path, string query, IReadOnlyDictionary<string, string> headers, string body)
    {
        var request = new RecordedRequest(Interlocked.Increment(ref _sequence), DateTimeOffset.UtcNow, method, path, query, headers, body);
        _requests.Enqueue(request);
        return request;
    }

    public IReadOnlyList<RecordedRequest> List(string? pathPrefix) =>
        _requests.Where(r => pathPrefix is null || r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    public int Clear()
    {
        var removed = 0;
        while (_requests.TryDequeue(out _))
        {
            removed++;
        }

        return removed;
    }
}

internal static class RequestJournalEndpoints
{
    /// <summary>
    /// <c>GET /requests?path=</c> lists what was received, <c>DELETE /requests</c> forgets it;
    /// any other request is recorded and answered <c>200 {"ok":true}</c>.
    /// </summary>
    public static void MapRequestJournal(this WebApplication app)
    {
        app.MapGet("/requests", (RequestJournal journal, string? path) => Results.Ok(new { requests = journal.List(path) }));
        app.MapDelete("/requests", (RequestJournal journal) => Results.Ok(new { removed = journal.Clear() }));
        app.MapGet("/replies", (ProgrammedReplies replies) => Results.Ok(new { replies = replies.List() }));
        app.MapPut("/replies", (ProgrammedReply reply, ProgrammedReplies replies) =>
        {
            if (string.IsNullOrEmpty(reply.Path) || !reply.Path.StartsWith('/') || reply.Status is < 100 or > 599 || reply.DelayMilliseconds < 0)
            {
                return Results.BadRequest(new { ok = false, detail = "a reply needs a Path starting with '/', a Status 100-599 and a non-negative DelayMilliseconds" });
            }

            replies.Set(reply);
            return Results.Ok(new { ok = true });
        });
        app.MapDelete("/replies", (ProgrammedReplies replies) =>
        {
            replies.Clear();
            return Results.Ok(new { ok = true });
        });
        app.MapFallback(async (HttpContext context, RequestJournal journal, ProgrammedReplies replies) =>
        {
            var body = await ReadBodyAsync(context.Request, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var path = context.Request.Path.Value ?? "/";
            var recorded = journal.Record(context.Request.Method, path, context.Request.QueryString.Value ?? "", headers, body);
            if (replies.Take(path) is not { } reply)
            {
                return Results.Ok(new { ok = true, sequence = recorded.Sequence });
            }

            if (reply.DelayMilliseconds > 0)
            {
                await Task.Delay(reply.DelayMilliseconds, context.RequestAborted);
            }

            return reply.Body is { } json
                ? Results.Json(json, statusCode: reply.Status)
                : Results.StatusCode(reply.Status);
        });
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[RequestJournal.MaxRecordedBodyBytes];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return new string(buffer, 0, read);
    }
}
