using System.Text.Json;
using MimeKit;

namespace MailStack.Proxy.Dispatch;

/// <summary>Builds the MIME message from an add-messages payload: bodies, addresses, headers, attachments.</summary>
public static class MailComposer
{
    public static (MimeMessage Message, MailboxAddress Sender, List<MailboxAddress> Recipients) Compose(JsonElement payload, string trackingHeader, string hostName)
    {
        var message = new MimeMessage();
        var from = MailboxAddress.Parse(payload.GetProperty("from").GetString() ?? "");
        message.From.Add(from);
        message.To.AddRange(Addresses(payload, "to"));
        message.Cc.AddRange(Addresses(payload, "cc"));
        if (Text(payload, "reply_to") is { Length: > 0 } replyTo)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        }

        message.Subject = Text(payload, "subject") ?? "";
        message.MessageId = Text(payload, "message_id")?.Trim('<', '>') is { Length: > 0 } id ? id : MimeKit.Utils.MimeUtils.GenerateMessageId(hostName);
        message.Headers.Replace(trackingHeader, payload.GetProperty("id").GetString()!);
        if (payload.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headers.EnumerateObject())
            {
                message.Headers.Replace(header.Name, header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText());
            }
        }

        var body = new BodyBuilder();
        var text = Text(payload, "body") ?? "";
        if (Text(payload, "content_type") == "html")
        {
            body.HtmlBody = text;
        }
        else
        {
            body.TextBody = text;
            if (Text(payload, "html") is { } html)
            {
                body.HtmlBody = html;
            }
        }

        if (payload.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array)
        {
            foreach (var attachment in attachments.EnumerateArray())
            {
                var (name, bytes, type) = AttachmentSource.Read(attachment);
                body.Attachments.Add(name, bytes, ContentType.Parse(type));
            }
        }

        message.Body = body.ToMessageBody();
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(Addresses(payload, "bcc")).ToList();
        var sender = Text(payload, "return_path") is { Length: > 0 } returnPath ? MailboxAddress.Parse(returnPath) : from;
        return (message, sender, recipients);
    }

    private static string? Text(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A list of addresses or one comma-separated string.</summary>
    private static IEnumerable<MailboxAddress> Addresses(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out var value))
        {
            return [];
        }

        var items = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!),
            JsonValueKind.String => value.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            _ => [],
        };
        return items.Select(MailboxAddress.Parse).ToList();
    }
}

/// <summary>
/// Where an attachment's bytes come from. Only inline base64 is served now; http_url, endpoint and
/// filesystem sources slot in here (see the proxy spec), each failing with a reason naming the file.
/// </summary>
public static class AttachmentSource
{
    public static (string FileName, byte[] Bytes, string MimeType) Read(JsonElement attachment)
    {
        var fileName = attachment.TryGetProperty("filename", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "attachment";
        fileName = System.Text.RegularExpressions.Regex.Replace(fileName, @"\{MD5:[0-9a-fA-F]+\}", "");
        var path = attachment.TryGetProperty("storage_path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        var mode = attachment.TryGetProperty("fetch_mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var mimeType = attachment.TryGetProperty("mime_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "application/octet-stream";
        if (mode is not (null or "base64") || (mode is null && !path.StartsWith("base64:", StringComparison.Ordinal)))
        {
            throw new AttachmentException($"Attachment '{fileName}': fetch mode '{mode ?? "inferred from storage_path"}' is not supported yet (only base64)");
        }

        var data = path.StartsWith("base64:", StringComparison.Ordinal) ? path["base64:".Length..] : path;
        try
        {
            return (fileName, Convert.FromBase64String(data), mimeType);
        }
        catch (FormatException)
        {
            throw new AttachmentException($"Attachment '{fileName}': storage_path is not valid base64");
        }
    }
}

public sealed class AttachmentException(string message) : Exception(message);
