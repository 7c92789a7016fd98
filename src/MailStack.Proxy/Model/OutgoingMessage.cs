using System.Text.Json;
using MimeKit;

namespace MailStack.Proxy.Model;

/// <summary>
/// An add-messages item parsed and validated (<see cref="MessageParser"/>): what is sent. The
/// item's JSON is kept as given (<see cref="Payload"/>), because the API lists it back unchanged.
/// </summary>
public sealed record OutgoingMessage(
    string Id,
    string TenantId,
    string AccountId,
    MailboxAddress From,
    IReadOnlyList<MailboxAddress> To,
    IReadOnlyList<MailboxAddress> Cc,
    IReadOnlyList<MailboxAddress> Bcc,
    MailboxAddress? ReplyTo,
    MailboxAddress? ReturnPath,
    string? MessageId,
    string Subject,
    string Body,
    BodyFormat BodyFormat,
    string? Html,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    MessagePriority Priority,
    long? DeferredTs,
    string? BatchCode,
    IReadOnlyList<MessageAttachment> Attachments,
    JsonElement Payload);
