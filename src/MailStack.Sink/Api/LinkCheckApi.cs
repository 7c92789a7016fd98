using MailStack.Sink.LinkCheck;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary><c>GET /api/v1/message/{ID}/link-check[?follow=true]</c>: Mailpit's link check (also for <c>latest</c>).</summary>
internal static class LinkCheckApi
{
    public static void MapLinkCheckApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/message/{id}/link-check", (MessageStore store, LinkChecker checker, string id, string? query, string? follow, CancellationToken cancellationToken) =>
            MessageLookup.ResolveAsync(store, id, query, async m =>
            {
                // Mailpit reads the message the way GET message does, which marks it read.
                m.Read = true;
                var followRedirects = follow is "true" or "1";
                return Results.Ok(await checker.CheckAsync(MessageViews.Detail(m), followRedirects, cancellationToken));
            }));
}
