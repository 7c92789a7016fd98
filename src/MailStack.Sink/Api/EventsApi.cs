using System.Text.Json;
using System.Threading.Channels;
using MailStack.Sink.Client;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary>
/// <c>GET /api/v1/events</c> (ext): a server-sent-events stream of Mailpit-style frames,
/// <c>{"Type":"new","Data":MessageSummary}</c> and <c>{"Type":"delete","Data":{"IDs":[…]}}</c>.
/// </summary>
internal static class EventsApi
{
    private const int MaxQueuedFrames = 1000;

    public static void MapEventsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/events", async (HttpContext context, MessageStore store, IHostApplicationLifetime lifetime) =>
        {
            // A slow reader drops its oldest frames rather than holding memory for ever.
            var frames = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueuedFrames) { FullMode = BoundedChannelFullMode.DropOldest });
            void OnChanged(StoreEvent change)
            {
                object? frame = change.Type switch
                {
                    "new" when change.Message is { } m => new { Type = "new", Data = MessageSummaries.Of(m) },
                    "delete" => new { Type = "delete", Data = new { IDs = change.Ids } },
                    _ => null,
                };
                if (frame is not null)
                {
                    frames.Writer.TryWrite($"event: {change.Type}\ndata: {JsonSerializer.Serialize(frame, SinkJson.Options)}\n\n");
                }
            }

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            store.Changed += OnChanged;
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            try
            {
                await context.Response.WriteAsync(": connected\n\n", ending.Token);
                await context.Response.Body.FlushAsync(ending.Token);
                await foreach (var frame in frames.Reader.ReadAllAsync(ending.Token))
                {
                    await context.Response.WriteAsync(frame, ending.Token);
                    await context.Response.Body.FlushAsync(ending.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // The client left or the sink is stopping.
            }
            finally
            {
                store.Changed -= OnChanged;
            }
        });
}
