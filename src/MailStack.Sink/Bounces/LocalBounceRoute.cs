using MailStack.Sink.Storage;
using MimeKit;

namespace MailStack.Sink.Bounces;

/// <summary>No route configured: the sink keeps the report itself, as mail from <c>&lt;&gt;</c> to the envelope sender.</summary>
public sealed class LocalBounceRoute(MessageStore store, string hostName) : IBounceRoute
{
    public string Name => "this sink";

    public Task DeliverAsync(MimeMessage report, string recipient, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        report.WriteTo(FormatOptions.Default, bytes, cancellationToken);
        var envelope = new Envelope("", [recipient]);
        var (raw, summary) = MessageIngestion.Prepare(envelope, bytes.GetBuffer(), (int)bytes.Length, hostName);
        store.Add(envelope, raw, summary, username: null);
        return Task.CompletedTask;
    }

    public Task CloseAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
