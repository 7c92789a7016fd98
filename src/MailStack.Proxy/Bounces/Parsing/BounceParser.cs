using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Model;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// Reads one message of the bounce mailbox: whether it is a bounce, which recipients failed (hard or
/// soft, code, reason), and what it says about the message it returns (<see cref="BounceCorrelation"/>).
/// RFC 3464 reports are read through MimeKit's <see cref="MultipartReport"/> / <see cref="MessageDeliveryStatus"/>;
/// other bounces by <see cref="NonStandardBounceReader"/>'s heuristics. Never throws on what a report contains.
/// </summary>
public sealed class BounceParser(IOptions<DispatchOptions> options, ILogger<BounceParser> logger)
{
    private string TrackingHeader => options.Value.TrackingHeader;

    public BounceParseResult Parse(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return Read(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever MimeKit or a regex trips over in a broken report: the reader files it as unrecognized.
            logger.LogWarning(ex, "Could not read message {MessageId} of the bounce mailbox as a bounce", message.MessageId);
            return BounceParseResult.NotABounce(BounceCorrelation.None);
        }
    }

    private BounceParseResult Read(MimeMessage message)
    {
        var parts = ReportParts.Of(message);
        var returned = ReturnedHeaders.Of(parts.Returned);
        string? envelopeId = null;
        if (parts.DeliveryStatus is { } statusPart)
        {
            var status = DeliveryStatusReader.Read(statusPart);
            envelopeId = status.EnvelopeId;
            // A report without a single readable recipient group is read like a non-standard bounce;
            // one whose recipients were all delivered, relayed or expanded is no bounce at all.
            if (status.RecipientGroups > 0)
            {
                return new BounceParseResult(status.Failed.Count > 0, Correlate(returned, envelopeId), status.Failed);
            }
        }

        var text = NonStandardBounceReader.Text(parts);
        var (explanation, pasted) = text is null ? ("", null) : NonStandardBounceReader.Split(text);
        var correlated = Correlate(returned ?? ReturnedHeaders.Of(pasted), envelopeId);
        return NonStandardBounceReader.IsBounce(message, parts, text)
            ? new BounceParseResult(true, correlated, NonStandardBounceReader.Recipients(explanation))
            : BounceParseResult.NotABounce(correlated);
    }

    private BounceCorrelation Correlate(HeaderList? returned, string? envelopeId)
    {
        BouncedMessageKey? envelopeKey = BounceEnvelopeId.TryParse(envelopeId, out var fromEnvelope) ? fromEnvelope : null;
        if (returned is null)
        {
            return new BounceCorrelation(envelopeKey, null, null);
        }

        var tracking = returned[TrackingHeader]?.Trim();
        var messageId = returned[HeaderId.MessageId] is { } value ? MimeUtils.EnumerateReferences(value).FirstOrDefault() : null;
        return new BounceCorrelation(
            envelopeKey,
            tracking is { Length: > 0 and <= MessageParser.MaxIdLength } ? tracking : null,
            BounceMessageId.TryParse(messageId, out var fromMessageId) ? fromMessageId : null);
    }
}
