using MailStack.Sink.Client;
using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace MailStack.Sink.Storage;

/// <summary>
/// Turns received DATA into a stored message with Mailpit's side effects: Return-Path from
/// MAIL FROM, a Message-ID when missing, and envelope recipients that no To/Cc header names
/// added as a Bcc header of the stored copy.
/// </summary>
public static class MessageIngestion
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int SnippetLength = 250;

    /// <summary>A Mailpit-style ID: 22 random base62 characters.</summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[22];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[22];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Base62[bytes[i] % Base62.Length];
        }

        return new string(chars);
    }

    /// <summary>The W3C trace context a sender (the proxy) puts in the mail so the sink can continue its trace.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <param name="data">The DATA bytes: <paramref name="length"/> bytes at the start of this buffer.</param>
    public static (byte[] Raw, MessageSummaryFields Summary) Prepare(Envelope envelope, byte[] data, int length, string hostName)
    {
        // persistent: parts reference the buffer instead of copying it (a 1 MB body is not copied again).
        using var stream = new MemoryStream(data, 0, length, writable: false);
        var message = MimeMessage.Load(ParserOptions.Default, stream, persistent: true);

        var added = new StringBuilder();
        var returnPath = envelope.From;
        added.Append("Return-Path: <").Append(returnPath).Append(">\r\n");

        var messageId = message.MessageId;
        if (string.IsNullOrEmpty(messageId))
        {
            messageId = $"{NewId()}@{hostName}";
            added.Append("Message-ID: <").Append(messageId).Append(">\r\n");
        }

        var headerAddresses = message.To.Mailboxes.Concat(message.Cc.Mailboxes)
            .Select(m => m.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var bcc = message.Bcc.Mailboxes.Select(ToAddress).ToList();
        var hidden = envelope.Recipients.Where(r => !headerAddresses.Contains(r) && !bcc.Any(b => string.Equals(b.Address, r, StringComparison.OrdinalIgnoreCase))).ToList();
        if (hidden.Count > 0)
        {
            added.Append("Bcc: ").Append(string.Join(", ", hidden)).Append("\r\n");
            bcc.AddRange(hidden.Select(r => new MailAddress("", r)));
        }

        var prefix = Encoding.UTF8.GetBytes(added.ToString());
        var raw = new byte[prefix.Length + length];
        prefix.CopyTo(raw, 0);
        Buffer.BlockCopy(data, 0, raw, prefix.Length, length);

        var from = message.From.Mailboxes.Select(ToAddress).FirstOrDefault() ?? new MailAddress("", envelope.From);
        var to = message.To.Mailboxes.Select(ToAddress).ToList();
        var cc = message.Cc.Mailboxes.Select(ToAddress).ToList();
        var summary = new MessageSummaryFields(
            messageId,
            from,
            to,
            cc,
            bcc,
            message.ReplyTo.Mailboxes.Select(ToAddress).ToList(),
            returnPath,
            message.Subject ?? "",
            message.Date == DateTimeOffset.MinValue ? DateTimeOffset.UtcNow : message.Date,
            message.Attachments.Count(),
            Snippet(message),
            message.Headers[TraceParentHeader],
            MessageTags.OnArrival(message, from, [.. to, .. cc, .. bcc]));
        return (raw, summary);
    }

    private static MailAddress ToAddress(MailboxAddress mailbox) => new(mailbox.Name ?? "", mailbox.Address);

    private static string Snippet(MimeMessage message)
    {
        var text = message.TextBody;
        if (text is null && message.HtmlBody is { } html)
        {
            text = System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", " ");
        }

        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (text.Length > 4 * SnippetLength)
        {
            text = text[..(4 * SnippetLength)];
        }

        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= SnippetLength ? collapsed : collapsed[..SnippetLength] + "...";
    }
}
