using System.Diagnostics;
using System.Text.Json;
using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailStack.Proxy.Apis;

/// <summary>Enqueueing (add-messages), listing and deleting messages.</summary>
public static class MessageApi
{
    public static IEndpointRouteBuilder MapMessageApi(this IEndpointRouteBuilder app)
    {
        var messages = app.MapTenantGroup("Messages");
        // Each item names its tenant: checked per item in AddAsync.
        messages.MapPost("/commands/add-messages", AddAsync)
            .Produces<AddMessagesFailure>(StatusCodes.Status400BadRequest)
            .Produces<ValidationErrors>(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Enqueue messages; invalid items are rejected with a reason");
        messages.MapGet("/messages", ListAsync).RequireTenant(TenantSource.Query("tenant_id"))
            .WithSummary("List the tenant's messages (every one, or a page with limit and cursor)");
        messages.MapDelete("/messages", DeleteAsync).RequireTenant(TenantSource.Query("tenant_id")).WithSummary("Delete messages by id");
        messages.MapPost("/commands/delete-messages", DeleteAsync).RequireTenant(TenantSource.Query("tenant_id")).WithSummary("Delete messages by id");
        return app;
    }

    private static async Task<Results<Ok<AddMessagesResult>, JsonHttpResult<AddMessagesFailure>, JsonHttpResult<ApiError>, UnprocessableEntity<ValidationErrors>>> AddAsync(
        JsonBody<AddMessagesRequest> body, HttpContext context, MessageQueue queue, DispatchSignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = body.Value;
        if (request.Messages is not { } items)
        {
            return ApiErrors.Validation(new ValidationError(["body", "messages"], "a list of messages is required", "type_error.list"));
        }

        var count = items.Count;
        if (count > AddMessagesRequest.MaxMessages)
        {
            return Failure($"too many messages: {count} (at most {AddMessagesRequest.MaxMessages} per request)", []);
        }

        var caller = Caller.From(context.User);
        var defaultPriority = request.DefaultPriority is { } priority ? MessagePriorities.Clamp(priority) : MessagePriorities.Default;
        var rejected = new List<MessageRejection>();
        // Rejected items that name their id and tenant: recorded as errors and reported, as genro does.
        var refused = new List<RefusedMessage>();
        var parsed = new List<OutgoingMessage>();
        var seen = new HashSet<(string, string)>();
        void Reject(JsonElement item, MessageRejection rejection)
        {
            rejected.Add(rejection);
            if (MessageParser.Refused(item, rejection.Reason, defaultPriority) is { } record)
            {
                refused.Add(record);
            }
        }

        foreach (var item in items)
        {
            // Checked before anything else: a rejected item is recorded under its tenant.
            if (MessageParser.Text(item, "tenant_id") is { Length: > 0 } named && !caller.CanAccess(named))
            {
                return ApiErrors.Forbidden($"this token may not enqueue for tenant '{named}'");
            }

            if (MessageParser.MissingField(item) is { } missing)
            {
                Reject(item, new MessageRejection(MessageParser.Text(item, "id"), $"missing {missing}"));
                continue;
            }

            var (message, rejection) = MessageParser.Parse(item, defaultPriority);
            if (rejection is not null)
            {
                Reject(item, rejection);
            }
            else if (!seen.Add((message!.TenantId, message.Id)))
            {
                rejected.Add(new MessageRejection(message.Id, MessageRejection.DuplicateInBatch));
            }
            else
            {
                parsed.Add(message);
            }
        }

        // The request's trace context, so dispatch and the SMTP send join the same trace.
        var (stored, withoutAccount) = await queue.EnqueueAsync(parsed, Activity.Current?.Id, cancellationToken);
        var ready = new List<OutgoingMessage>(parsed.Count);
        foreach (var message in parsed)
        {
            if (withoutAccount.Contains((message.TenantId, message.Id)))
            {
                Reject(message.Payload, new MessageRejection(message.Id, MessageRejection.AccountNotFound));
            }
            else
            {
                ready.Add(message);
            }
        }

        rejected.AddRange(ready.Where(m => !stored.Contains((m.TenantId, m.Id))).Select(m => new MessageRejection(m.Id, MessageRejection.AlreadySent)));

        // An id queued by this request is not also recorded as an error; an id already sent stays as it is.
        var queuedIds = ready.Select(m => (m.TenantId, m.Id)).ToHashSet();
        var recorded = await queue.RecordRefusedAsync(
            [.. refused.Where(r => !queuedIds.Contains((r.TenantId, r.Id))).DistinctBy(r => (r.TenantId, r.Id))],
            time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);
        if (recorded.Count > 0)
        {
            signal.Wake(); // report the errors now
        }

        // As genro: "already sent" is not a failure; the request fails only when nothing was
        // queued and some item was invalid.
        if (stored.Count == 0 && rejected.Any(r => r.Reason != MessageRejection.AlreadySent))
        {
            return Failure("all messages were rejected", rejected);
        }

        if (stored.Count > 0)
        {
            signal.Enqueued();
        }

        return TypedResults.Ok(new AddMessagesResult(stored.Count, rejected));
    }

    private static JsonHttpResult<AddMessagesFailure> Failure(string error, IReadOnlyList<MessageRejection> rejected) =>
        TypedResults.Json(AddMessagesFailure.Of(error, rejected), WireJson.Options, statusCode: StatusCodes.Status400BadRequest);

    private static async Task<Results<Ok<MessageList>, UnprocessableEntity<ValidationErrors>>> ListAsync(
        MessageQueue queue, EventStore events,
        string? tenant_id, bool? active_only, bool? include_history, string? status, string? batch_code, int? limit, long? cursor, CancellationToken cancellationToken)
    {
        MessageStatus? wanted = null;
        if (status is not null)
        {
            if (!MessageStatuses.TryParse(status, out var parsed))
            {
                return ApiErrors.Validation(new ValidationError(["query", "status"], "must be one of pending, deferred, sending, sent, error, bounced", "value_error.enum"));
            }

            wanted = parsed;
        }

        var query = new MessageQuery(tenant_id!, active_only ?? false, wanted, batch_code, limit is { } n ? Math.Clamp(n, 1, 1000) : null, cursor ?? 0);
        var list = await queue.ListAsync(query, cancellationToken);
        if (include_history == true && list.Messages.Count > 0)
        {
            var history = await events.HistoryAsync([.. list.Messages.Select(m => m.Pk)], cancellationToken);
            list = list with { Messages = [.. list.Messages.Select(m => m with { History = history[m.Pk] })] };
        }

        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<DeleteMessagesResult>, UnprocessableEntity<ValidationErrors>>> DeleteAsync(
        string? tenant_id, JsonBody<DeleteMessagesRequest> body, MessageQueue queue, CancellationToken cancellationToken)
    {
        if (body.Value.Ids is not { } requested || requested.Any(id => id is null))
        {
            return ApiErrors.Validation(new ValidationError(["body", "ids"], "a list of message ids is required", "type_error.list"));
        }

        var ids = requested.Distinct().ToArray();
        var removed = await queue.DeleteAsync(tenant_id!, ids, cancellationToken);
        return TypedResults.Ok(new DeleteMessagesResult(removed.Count, [.. ids.Except(removed)]));
    }
}
