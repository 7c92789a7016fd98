using MailStack.Sink.Client;
using System.Diagnostics;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary><c>/api/v1/info</c>, <c>/livez</c> and <c>/readyz</c>.</summary>
internal static class InfoApi
{
    private static readonly long StartedAt = Stopwatch.GetTimestamp();

    public static void MapInfoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/info", (MessageStore store, TagCatalog tags) =>
        {
            var messages = store.Snapshot();
            return Results.Ok(new InfoResponse(
                typeof(InfoApi).Assembly.GetName().Version?.ToString() ?? "0",
                "disabled", // Mailpit's answer when its version check is off; a sink never calls out
                "memory",
                messages.Sum(m => (long)m.Raw.Length),
                messages.Count,
                messages.Count(m => !m.Read),
                tags.All().ToDictionary(t => t, t => messages.Count(m => m.Tags.Contains(t, MessageTags.Comparer))),
                new RuntimeStats((long)Stopwatch.GetElapsedTime(StartedAt).TotalSeconds, GC.GetTotalMemory(false), 0, 0, 0, 0, 0)));
        });
        app.MapGet("/livez", () => Results.Ok());
        app.MapGet("/readyz", () => Results.Ok());
    }
}
