using MailStack.Sink.Search;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary>
/// Finds the message a route names: an ID, or <c>latest</c> (the newest message, or the newest
/// matching <c>?query=</c>). As Mailpit: an unknown ID is <c>404 page not found</c>, a <c>latest</c>
/// that matches nothing is a 404 saying <c>Message not found</c>.
/// </summary>
internal static class MessageLookup
{
    public const string Latest = "latest";

    public static IResult Resolve(MessageStore store, string id, string? query, Func<StoredMessage, IResult> found) =>
        Find(store, id, query, out var missing) is { } message ? found(message) : missing!;

    public static async Task<IResult> ResolveAsync(MessageStore store, string id, string? query, Func<StoredMessage, Task<IResult>> found) =>
        Find(store, id, query, out var missing) is { } message ? await found(message) : missing!;

    private static StoredMessage? Find(MessageStore store, string id, string? query, out IResult? missing)
    {
        missing = null;
        if (!string.Equals(id, Latest, StringComparison.Ordinal))
        {
            var byId = store.Find(id);
            missing = byId is null ? ApiResults.NotFound() : null;
            return byId;
        }

        try
        {
            var parsed = SearchQuery.Parse(query);
            var latest = store.Snapshot().FirstOrDefault(parsed.Matches);
            missing = latest is null ? ApiResults.NoLatest() : null;
            return latest;
        }
        catch (FormatException ex)
        {
            missing = ApiResults.NoLatest(ex.Message);
            return null;
        }
    }
}
