using System.Diagnostics;
using OpenTelemetry;

namespace MailStack.Proxy.Telemetry;

/// <summary>
/// The proxy's activity source and meter (<c>MailStack.Proxy</c>, exported by ServiceDefaults), and
/// how background rounds are traced: a round's look for work runs without instrumentation, and
/// only a round that found work becomes a trace — with the look recorded as its first span.
/// </summary>
public static class ProxyTelemetry
{
    public const string Name = "MailStack.Proxy";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>Runs <paramref name="look"/> with instrumentation suppressed (an idle poll leaves no database spans).</summary>
    public static async Task<(T Found, DateTimeOffset StartedAt)> LookQuietlyAsync<T>(Func<Task<T>> look)
    {
        var startedAt = DateTimeOffset.UtcNow;
        using (SuppressInstrumentationScope.Begin())
        {
            return (await look(), startedAt);
        }
    }

    /// <summary>
    /// Starts the trace of a round that found work, beginning when the look began, with the look
    /// itself as a child span named <paramref name="lookName"/>.
    /// </summary>
    public static Activity? StartRound(string name, DateTimeOffset startedAt, string lookName, int found)
    {
        var round = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, startTime: startedAt);
        using var look = Source.StartActivity(lookName, ActivityKind.Internal, parentContext: default, startTime: startedAt);
        look?.SetTag("mailstack.found", found);
        return round;
    }
}
