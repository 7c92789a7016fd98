using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MailStack.Sink.Bounces;

/// <summary>Spans and counters of bounce reports (exported by ServiceDefaults' "MailStack.*" rules).</summary>
public static class BounceTelemetry
{
    public const string Name = "MailStack.Sink.Bounces";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Delivered = Meter.CreateCounter<long>("mailstack.sink.bounces.delivered", description: "Bounce reports delivered");

    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("mailstack.sink.bounces.failed", description: "Bounce reports given up after the last try, or dropped at shutdown");
}
