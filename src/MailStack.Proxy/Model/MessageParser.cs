using System.Text.Json;
using MimeKit;

namespace MailStack.Proxy.Model;

/// <summary>
/// Reads an add-messages item into an <see cref="OutgoingMessage"/>, so bad input is refused when
/// it arrives, with a reason naming the field, instead of failing at send time.
/// </summary>
public static class MessageParser
{
    public const int MaxIdLength = 255;
    public const int MaxBatchCodeLength = 64;

    private static readonly string[] RequiredFields = ["id", "tenant_id", "account_id", "from", "to", "subject"];

    private static readonly ParserOptions AddressOptions = new() { AllowAddressesWithoutDomain = false };

    /// <summary>The first required field the item lacks (<c>id</c> when it is no object at all), or null.</summary>
    public static string? MissingField(JsonElement item) =>
        item.ValueKind != JsonValueKind.Object ? "id" : RequiredFields.FirstOrDefault(field => !HasValue(item, field));

    /// <summary>The item's text field, when it is a string.</summary>
    public static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Parses an item that has every required field (<see cref="MissingField"/> returned null).</summary>
    public static (OutgoingMessage? Message, MessageRejection? Rejection) Parse(JsonElement item, MessagePriority defaultPriority)
    {
        var id = Text(item, "id")!;
        var batchCode = Text(item, "batch_code");
        if (id.Length > MaxIdLength || batchCode is { Length: > MaxBatchCodeLength })
        {
            return (null, new MessageRejection(id[..Math.Min(id.Length, MaxIdLength)], "invalid id or batch_code length"));
        }

        var tenantId = Text(item, "tenant_id")!;
        var accountId = Text(item, "account_id")!;
        if (FieldWithNul(id, tenantId, accountId, batchCode) is { } field)
        {
            return (null, new MessageRejection(id, $"invalid {field}: contains a NUL character"));
        }

        try
        {
            var message = new OutgoingMessage(
                id,
                tenantId,
                accountId,
                Mailbox(item, "from")!,
                Mailboxes(item, "to"),
                Mailboxes(item, "cc"),
                Mailboxes(item, "bcc"),
                Mailbox(item, "reply_to"),
                Mailbox(item, "return_path"),
                Text(item, "message_id")?.Trim('<', '>') is { Length: > 0 } messageId ? messageId : null,
                Text(item, "subject") ?? "",
                Text(item, "body") ?? "",
                Text(item, "content_type") == "html" ? BodyFormat.Html : BodyFormat.Plain,
                Text(item, "html"),
                Headers(item),
                MessagePriorities.Parse(item.TryGetProperty("priority", out var priority) ? priority : null, defaultPriority),
                item.TryGetProperty("deferred_ts", out var deferred) && deferred.ValueKind == JsonValueKind.Number && deferred.TryGetInt64(out var ts) ? ts : null,
                batchCode,
                Attachments(item),
                item);
            return (message, null);
        }
        catch (InvalidFieldException ex)
        {
            return (null, new MessageRejection(id, $"invalid {ex.Field}: {ex.Message}"));
        }
    }

    /// <summary>
    /// The rejected item as a <see cref="RefusedMessage"/>, or null when it names no usable id or no
    /// tenant (then it only appears in the response's rejected list).
    /// </summary>
    public static RefusedMessage? Refused(JsonElement item, string reason, MessagePriority defaultPriority)
    {
        var accountId = Text(item, "account_id") ?? "";
        var batchCode = Text(item, "batch_code") is { Length: <= MaxBatchCodeLength } code ? code : null;
        if (Text(item, "id") is not { Length: > 0 and <= MaxIdLength } id || Text(item, "tenant_id") is not { Length: > 0 } tenantId
            || FieldWithNul(id, tenantId, accountId, batchCode) is not null)
        {
            return null;
        }

        return new RefusedMessage(tenantId, id, accountId,
            MessagePriorities.Parse(item.TryGetProperty("priority", out var priority) ? priority : null, defaultPriority), batchCode, item, reason);
    }

    /// <summary>The first of the fields stored as PostgreSQL text that holds a NUL, which text cannot (a body can: it stays in the JSON).</summary>
    private static string? FieldWithNul(string id, string tenantId, string? accountId, string? batchCode) =>
        HasNul(id) ? "id" : HasNul(tenantId) ? "tenant_id" : HasNul(accountId) ? "account_id" : HasNul(batchCode) ? "batch_code" : null;

    private static bool HasNul(string? text) => text?.Contains('\0', StringComparison.Ordinal) == true;

    private static bool HasValue(JsonElement item, string field) =>
        item.TryGetProperty(field, out var value) && value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Length > 0,
            JsonValueKind.Array => value.GetArrayLength() > 0,
            JsonValueKind.Null or JsonValueKind.Undefined => false,
            _ => true,
        };

    private static MailboxAddress? Mailbox(JsonElement item, string field)
    {
        if (!item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? ParseAddress(field, value.GetString()!)
            : throw new InvalidFieldException(field, value.GetRawText());
    }

    /// <summary>A list of addresses or one comma-separated string.</summary>
    private static List<MailboxAddress> Mailboxes(JsonElement item, string field)
    {
        if (!item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var texts = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new InvalidFieldException(field, v.GetRawText())),
            JsonValueKind.String => value.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            _ => throw new InvalidFieldException(field, value.GetRawText()),
        };
        return texts.Select(text => ParseAddress(field, text)).ToList();
    }

    private static MailboxAddress ParseAddress(string field, string text) =>
        MailboxAddress.TryParse(AddressOptions, text, out var address) ? address : throw new InvalidFieldException(field, text);

    private static List<KeyValuePair<string, string>> Headers(JsonElement item)
    {
        if (!item.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return headers.EnumerateObject()
            .Select(header => KeyValuePair.Create(header.Name, header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText()))
            .ToList();
    }

    private static List<MessageAttachment> Attachments(JsonElement item)
    {
        if (!item.TryGetProperty("attachments", out var attachments) || attachments.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (attachments.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidFieldException("attachments", "a list is required");
        }

        return attachments.EnumerateArray().Select(Attachment).ToList();
    }

    private static MessageAttachment Attachment(JsonElement attachment)
    {
        if (attachment.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidFieldException("attachments", attachment.GetRawText());
        }

        var givenName = Text(attachment, "filename");
        if (string.IsNullOrEmpty(givenName) || givenName.Length > MessageAttachment.MaxFileNameLength)
        {
            throw new InvalidFieldException("attachments", givenName is null ? "missing filename" : $"filename longer than {MessageAttachment.MaxFileNameLength} characters");
        }

        var fileName = MessageAttachment.StripMd5Marker(givenName);
        InvalidFieldException Invalid(string why) => new("attachments", $"attachment '{fileName}': {why}");
        var storagePath = Text(attachment, "storage_path") is { Length: > 0 } path ? path : throw Invalid("missing storage_path");
        var mode = Text(attachment, "fetch_mode") switch
        {
            null => MessageAttachment.InferFetchMode(storagePath),
            "base64" => FetchMode.Base64,
            "http_url" => FetchMode.HttpUrl,
            "endpoint" => FetchMode.Endpoint,
            "filesystem" => FetchMode.Filesystem,
            var other => throw Invalid($"unknown fetch_mode '{other}' (base64, http_url, endpoint or filesystem)"),
        };
        if (mode == FetchMode.Base64 && !MessageAttachment.IsBase64(storagePath))
        {
            throw Invalid("storage_path is not valid base64");
        }

        var md5 = Text(attachment, "content_md5");
        if (md5 is not null && !MessageAttachment.IsMd5(md5))
        {
            throw Invalid("content_md5 must be 32 hexadecimal digits");
        }

        ClientAuth? auth = null;
        if (attachment.TryGetProperty("auth", out var authJson) && authJson.ValueKind != JsonValueKind.Null)
        {
            try
            {
                auth = authJson.Deserialize<ClientAuth>(WireJson.Options);
            }
            catch (JsonException)
            {
                throw Invalid("auth must be {method, token, user, password}");
            }
        }

        // As genro: an explicit type with a slash wins, else the file name's extension decides.
        var mimeType = Text(attachment, "mime_type") is { } given && given.Contains('/', StringComparison.Ordinal) ? given : MimeTypes.GetMimeType(fileName);
        return new MessageAttachment(fileName, storagePath, mimeType, mode, md5, auth) { FileNameMd5 = MessageAttachment.FindMd5Marker(givenName) };
    }

    private sealed class InvalidFieldException(string field, string value) : Exception(value)
    {
        public string Field { get; } = field;
    }
}
