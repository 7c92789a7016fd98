using System.Collections.Concurrent;
using System.Diagnostics;
using MailStack.Sink.Smtp;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

/// <summary>The sink continues the trace a sender puts in the mail's <c>traceparent</c> header.</summary>
public sealed class SinkTelemetryTests
{
    [Fact]
    public async Task A_mail_carrying_traceparent_is_stored_in_a_span_of_the_senders_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var senderSpan = ActivitySpanId.CreateRandom();
        var seen = new ConcurrentQueue<Activity>();
        using var listener = ListenToSink(seen);
        await using var sink = await StartSinkAsync();
        var message = NewMessage("traced@example.test", "traced");
        message.Headers.Add("traceparent", $"00-{traceId}-{senderSpan}-01");

        await SendAsync(sink, message);

        // One span for the message, in the sender's trace: none of it stays in the session's.
        var received = Assert.Single(seen, a => a.TraceId == traceId);
        Assert.Equal("smtp message", received.OperationName);
        Assert.Equal(senderSpan, received.ParentSpanId);
        var id = sink.Store.Snapshot().Single(m => m.Summary.Subject == "traced").Id;
        Assert.Equal(id, received.GetTagItem("mailstack.message.id"));
        // Other tests' sinks run beside this one: spans are told apart by the message id.
        Assert.Single(seen, a => a.OperationName == "smtp message" && (string?)a.GetTagItem("mailstack.message.id") == id);
        // Linked to the sink's session span, so both views of the delivery connect.
        var link = Assert.Single(received.Links);
        Assert.Contains(seen, a => a.OperationName == "smtp session" && a.SpanId == link.Context.SpanId);
    }

    [Fact]
    public async Task A_mail_without_traceparent_is_stored_in_a_span_of_the_sinks_session()
    {
        var seen = new ConcurrentQueue<Activity>();
        using var listener = ListenToSink(seen);
        await using var sink = await StartSinkAsync();
        var subject = $"untraced-{Guid.NewGuid():N}";

        await SendAsync(sink, NewMessage("untraced@example.test", subject));

        // The message's span is inside the session's, in the sink's own trace.
        var id = sink.Store.Snapshot().Single().Id;
        var message = Assert.Single(seen, a => a.OperationName == "smtp message" && (string?)a.GetTagItem("mailstack.message.id") == id);
        Assert.Contains(seen, a => a.OperationName == "smtp session" && a.SpanId == message.ParentSpanId && a.TraceId == message.TraceId);
        Assert.Empty(message.Links);
    }

    /// <summary>Records every sink span as it starts (the session span ends after the 250 the client waits for: no racing it).</summary>
    private static ActivityListener ListenToSink(ConcurrentQueue<Activity> seen)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SmtpTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = seen.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
