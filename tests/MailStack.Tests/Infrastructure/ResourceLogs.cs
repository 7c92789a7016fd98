using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace MailStack.Tests.Infrastructure;

/// <summary>
/// Collects every resource's console log from the moment the app is built, so a test can await a
/// line (a resource's log is streamed lazily and may arrive after its state changes).
/// </summary>
public sealed class ResourceLogs : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _watchers = [];

    private ResourceLogs()
    {
    }

    public static ResourceLogs Start(DistributedApplication app)
    {
        var logs = new ResourceLogs();
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            var lines = logs._lines.GetOrAdd(resource.Name, _ => new ConcurrentQueue<string>());
            logs._watchers.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(logs._stop.Token))
                    {
                        foreach (var line in batch)
                        {
                            lines.Enqueue(line.Content);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }));
        }

        return logs;
    }

    public IReadOnlyList<string> Of(string resourceName) =>
        _lines.TryGetValue(resourceName, out var lines) ? lines.ToList() : [];

    /// <summary>Waits until <paramref name="resourceName"/> has logged a line containing <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string resourceName, string text, TimeSpan timeout) =>
        Eventually.GetAsync(
            _ => Task.FromResult(Of(resourceName).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal))),
            $"'{resourceName}' to log a line containing \"{text}\"",
            timeout,
            () => string.Join('\n', Of(resourceName).TakeLast(20)));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watchers);
        _stop.Dispose();
    }
}
