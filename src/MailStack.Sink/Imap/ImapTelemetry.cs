using System.Diagnostics.Metrics;
using MailStack.Sink.Smtp;

namespace MailStack.Sink.Imap;

/// <summary>IMAP counters on the sink's meter; spans use the sink's activity source (<see cref="SmtpTelemetry.Source"/>).</summary>
internal static class ImapTelemetry
{
    private static readonly Meter Meter = new(SmtpTelemetry.Name);

    public static readonly Counter<long> Sessions = Meter.CreateCounter<long>("mailstack.sink.imap.sessions", description: "IMAP sessions accepted");

    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("mailstack.sink.imap.commands", description: "IMAP commands handled, by command and status");

    public static readonly Counter<long> LoginsFailed = Meter.CreateCounter<long>("mailstack.sink.imap.logins.failed", description: "IMAP logins refused");

    public static readonly Counter<long> MessagesAppended = Meter.CreateCounter<long>("mailstack.sink.imap.messages.appended", description: "Messages stored by IMAP APPEND");

    public static readonly Counter<long> MessagesFetched = Meter.CreateCounter<long>("mailstack.sink.imap.messages.fetched", description: "FETCH responses sent");
}
