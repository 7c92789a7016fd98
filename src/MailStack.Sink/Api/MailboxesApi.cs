using MailStack.Sink.Client;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary>
/// <c>GET /api/v1/mailboxes</c> (ext, Mailpit has no separate mailboxes): every envelope recipient
/// with its total and unread counts; <c>mailbox:ADDRESS</c> searches exactly one of them.
/// </summary>
internal static class MailboxesApi
{
    public static void MapMailboxesApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/mailboxes", (MessageStore store) => TypedResults.Ok(store.Mailboxes()))
            .WithName("ListMailboxes")
            .WithSummary("Every recipient address that holds mail, with its total and unread counts (extension).")
            .Produces<IReadOnlyList<MailboxSummary>>();
}
