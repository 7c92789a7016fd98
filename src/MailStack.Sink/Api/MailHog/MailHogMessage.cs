using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api.MailHog;

/// <summary>
/// MailHog's <c>data.Message</c> for a stored message: envelope paths, the parsed content with the
/// headers MailHog adds on receipt (Received, and Message-ID / Return-Path when missing), the MIME
/// parts and the raw SMTP transaction.
/// </summary>
internal sealed record MailHogMessage(
    string ID,
    MailHogPath From,
    IReadOnlyList<MailHogPath> To,
    MailHogContent Content,
    DateTimeOffset Created,
    [property: JsonPropertyName("MIME")] MailHogMime? Mime,
    MailHogRaw Raw)
{
    public static MailHogMessage Of(StoredMessage stored, string hostName)
    {
        var data = Encoding.UTF8.GetString(stored.Raw);
        var envelope = stored.Envelope;
        var content = MailHogContent.Parse(data);
        var mime = content.IsMime ? content.ParseMime() : null;
        Add(content.Headers, "Message-ID", stored.Summary.MessageId, onlyWhenMissing: true);
        var received = $"from {envelope.Helo} by {hostName} (MailStack.Sink)\r\n          id {stored.Id}; "
            + stored.Received.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        Add(content.Headers, "Received", received, onlyWhenMissing: false);
        Add(content.Headers, "Return-Path", $"<{envelope.From}>", onlyWhenMissing: true);
        return new MailHogMessage(
            stored.Id,
            MailHogPath.Parse(envelope.From),
            envelope.Recipients.Select(MailHogPath.Parse).ToList(),
            content,
            stored.Received,
            mime,
            new MailHogRaw(envelope.From, envelope.Recipients, data, envelope.Helo));
    }

    /// <summary>MailHog appends to a header it finds under any casing, else adds it.</summary>
    private static void Add(Dictionary<string, List<string>> headers, string name, string value, bool onlyWhenMissing)
    {
        var existing = headers.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        if (existing is null)
        {
            headers[name] = [value];
        }
        else if (!onlyWhenMissing)
        {
            headers[existing].Add(value);
        }
    }
}
