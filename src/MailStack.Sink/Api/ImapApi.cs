using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary>
/// <c>POST /api/v1/imap/uidvalidity</c> (ext): gives folders a new UIDVALIDITY and renumbers their
/// messages, as a server that lost its index would, so an IMAP reader's resynchronisation can be
/// tested. Body <c>{"Address":"a@x","Mailbox":"INBOX"}</c>; either omitted means all.
/// </summary>
internal static class ImapApi
{
    public static void MapImapApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/imap/uidvalidity", async (MailboxDirectory mailboxes, HttpRequest request) =>
        {
            var (body, error) = await ApiResults.ReadOptionalJsonAsync<UidValidityRequest>(request);
            if (error is not null)
            {
                return error;
            }

            var changed = mailboxes.ChangeUidValidity(body?.Address, body?.Mailbox);
            return Results.Ok(new { Changed = changed });
        });

    private sealed record UidValidityRequest(string? Address, string? Mailbox);
}
