using MailStack.Proxy.Bounces.Parsing;
using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Telemetry;
using MimeKit;
using Npgsql;

namespace MailStack.Proxy.Bounces;

/// <summary>
/// One report of the bounce mailbox: parsed, tied to its message and recorded (with the mailbox
/// position after it), counted, and the reporter woken so the tenant hears of it at once. Whatever
/// is wrong with the report itself ends as <see cref="BounceDisposition.Unrecognized"/>, never as an
/// exception that would stop the receiver.
/// </summary>
public sealed partial class BounceReportHandler(BounceParser parser, ProxyMetrics metrics, DispatchSignal signal, TimeProvider time, ILogger<BounceReportHandler> logger)
{
    /// <param name="replay">The report was handled before a restart but is still in the inbox: recorded again (which changes nothing), not counted again.</param>
    public async Task<BounceDisposition> HandleAsync(MimeMessage report, long uid, BounceReceiverLease lease, string mailbox, MailboxPosition next, bool replay, CancellationToken cancellationToken)
    {
        BounceParseResult parsed;
        try
        {
            parsed = parser.Parse(report);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await UnrecognizedAsync(uid, $"the parser failed: {ex.Message}", lease, mailbox, next, replay, cancellationToken);
        }

        if (!parsed.IsBounce)
        {
            return await UnrecognizedAsync(uid, "not a bounce report", lease, mailbox, next, replay, cancellationToken);
        }

        // A non-standard bounce may name no recipient (""): still one bounce of the message.
        var recipients = parsed.Recipients.Select(r => Clean(r)).ToList();
        if (recipients.Count == 0)
        {
            return await UnrecognizedAsync(uid, "no failed recipient in it", lease, mailbox, next, replay, cancellationToken);
        }

        BounceResult result;
        try
        {
            result = await lease.RecordAsync(Clean(parsed.Correlation), recipients, time.GetUtcNow().ToUnixTimeSeconds(), mailbox, next, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // A data exception (a value PostgreSQL refuses): the report's fault, not the database's.
            return await UnrecognizedAsync(uid, $"its values were refused: {ex.MessageText}", lease, mailbox, next, replay, cancellationToken);
        }

        switch (result.Recording)
        {
            case BounceRecording.Recorded:
                metrics.Record(MessageStatus.Bounced, result.TenantId!, result.AccountId!);
                signal.Wake();
                LogRecorded(uid, result.TenantId!, result.MessageId!, result.Type?.ToWire());
                return BounceDisposition.Processed;
            case BounceRecording.Unchanged:
                LogUnchanged(uid, result.TenantId!, result.MessageId!);
                return BounceDisposition.Processed;
            case BounceRecording.Held:
                LogHeld(uid, result.TenantId!, result.MessageId!);
                return BounceDisposition.Held;
            default:
                Count(replay);
                LogUnrecognized(uid, Reason(result, parsed.Correlation));
                return BounceDisposition.Unrecognized;
        }
    }

    /// <summary>A report that could not be read at all (too large, or MIME that does not parse).</summary>
    public Task<BounceDisposition> UnreadableAsync(long uid, string reason, BounceReceiverLease lease, string mailbox, MailboxPosition next, bool replay, CancellationToken cancellationToken) =>
        UnrecognizedAsync(uid, reason, lease, mailbox, next, replay, cancellationToken);

    private async Task<BounceDisposition> UnrecognizedAsync(long uid, string reason, BounceReceiverLease lease, string mailbox, MailboxPosition next, bool replay, CancellationToken cancellationToken)
    {
        await lease.SavePositionAsync(mailbox, next, time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);
        Count(replay);
        LogUnrecognized(uid, reason);
        return BounceDisposition.Unrecognized;
    }

    private void Count(bool replay)
    {
        if (!replay)
        {
            metrics.UnrecognizedBounce();
        }
    }

    private static string Reason(BounceResult result, BounceCorrelation correlation) => result.Recording switch
    {
        BounceRecording.Ambiguous => $"tracking id '{result.MessageId}' belongs to messages of several tenants",
        BounceRecording.NotSent => $"message {result.TenantId}/{result.MessageId} was never sent",
        _ when correlation is { EnvelopeKey: null, TrackingId: null, MessageIdKey: null } => "it names no message (no envelope id, tracking header or known Message-ID)",
        _ => $"no message matches it (envelope {Describe(correlation.EnvelopeKey)}, tracking id {correlation.TrackingId ?? "-"}, Message-ID {Describe(correlation.MessageIdKey)})",
    };

    private static string Describe(BouncedMessageKey? key) => key is { } k ? $"{k.TenantId}/{k.MessageId}" : "-";

    /// <summary>PostgreSQL text cannot hold NUL; nothing else in a report needs changing.</summary>
    private static RecipientBounce Clean(RecipientBounce bounce) =>
        bounce with { Recipient = Clean(bounce.Recipient.Trim()), Code = Clean(bounce.Code), Reason = Clean(bounce.Reason) };

    private static BounceCorrelation Clean(BounceCorrelation correlation) => new(
        Clean(correlation.EnvelopeKey), correlation.TrackingId is { } tracking ? Clean(tracking) : null, Clean(correlation.MessageIdKey));

    private static BouncedMessageKey? Clean(BouncedMessageKey? key) => key is { } k ? new BouncedMessageKey(Clean(k.TenantId), Clean(k.MessageId)) : null;

    private static string Clean(string? text) => (text ?? "").Replace("\0", "", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce report UID {Uid}: message {TenantId}/{MessageId} bounced ({Type})")]
    private partial void LogRecorded(long uid, string tenantId, string messageId, string? type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce report UID {Uid}: message {TenantId}/{MessageId} already had this bounce; nothing changed")]
    private partial void LogUnchanged(long uid, string tenantId, string messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bounce report UID {Uid}: message {TenantId}/{MessageId} is still being sent; looked at again shortly")]
    private partial void LogHeld(long uid, string tenantId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bounce report UID {Uid} unrecognized: {Reason}; kept in the Unrecognized folder")]
    private partial void LogUnrecognized(long uid, string reason);
}
