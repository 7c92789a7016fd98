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
    /// The span of one message, from DATA to the reply: in the sender's trace when the mail carries a
    /// <c>traceparent</c> header (linked to this sink's session span), else inside the session span.
    /// It starts once the headers are read, so it is given the time DATA began.
    /// </summary>
    public static Activity? StartMessage(string? traceParent, DateTimeOffset dataStarted)
    {
        // Without a sender's context the parent is the current span: the session's.
        var inSendersTrace = ActivityContext.TryParse(traceParent, null, out var sender);
        var links = inSendersTrace && Activity.Current is { } session ? new[] { new ActivityLink(session.Context) } : null;
        return Source.StartActivity("smtp message", ActivityKind.Server, sender, links: links, startTime: dataStarted);
    }

    public static readonly Counter<long> Sessions = Meter.CreateCounter<long>("mailstack.sink.sessions", description: "SMTP sessions accepted");
}
