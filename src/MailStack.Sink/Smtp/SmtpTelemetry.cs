using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MailStack.Sink.Smtp;

/// <summary>The sink's activity source and counters (exported by ServiceDefaults' "MailStack.*" rules).</summary>
public static class SmtpTelemetry
{
    public const string Name = "MailStack.Sink";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> MessagesAccepted = Meter.CreateCounter<long>("mailstack.sink.messages.accepted", description: "Messages stored");

    public static readonly Counter<long> MessagesRejected = Meter.CreateCounter<long>("mailstack.sink.messages.rejected", description: "Messages refused (size, chaos, aborted DATA)");

    public static readonly Counter<long> BytesAccepted = Meter.CreateCounter<long>("mailstack.sink.bytes.accepted", unit: "By", description: "Bytes stored");

    /// <summary>
    /// A span in the sender's trace (from the mail's <c>traceparent</c> header) for storing the
    /// message, linked to this sink's own session span; null when the mail carries no trace.
    /// </summary>
    public static Activity? ContinueSendersTrace(string? traceParent, Activity? session) =>
        ActivityContext.TryParse(traceParent, null, out var sender)
            ? Source.StartActivity("mail received", ActivityKind.Consumer, sender, links: session is null ? null : [new ActivityLink(session.Context)])
            : null;

    public static readonly Counter<long> Sessions = Meter.CreateCounter<long>("mailstack.sink.sessions", description: "SMTP sessions accepted");
}
