using MimeKit;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// The parts of a report a reader needs, found by walking its multiparts (never into the returned
/// message, and only so deep and so many: a hostile report cannot make the walk expensive).
/// </summary>
internal sealed class ReportParts
{
    private const int MaxDepth = 8;
    private const int MaxEntities = 256;

    private int _visited;

    private ReportParts()
    {
    }

    /// <summary><c>message/delivery-status</c> (or <c>message/global-delivery-status</c>, or genro's <c>text/delivery-status</c>).</summary>
    public MimeEntity? DeliveryStatus { get; private set; }

    /// <summary>The returned message or header: <c>message/rfc822</c>, <c>text/rfc822-headers</c> and their variants.</summary>
    public MimeEntity? Returned { get; private set; }

    /// <summary>The first plain-text part (else the first HTML one): a bounce's human-readable explanation.</summary>
    public TextPart? Text { get; private set; }

    public static ReportParts Of(MimeMessage message)
    {
        var parts = new ReportParts();
        if (message.Body is { } body)
        {
            parts.Visit(body, 0);
        }

        return parts;
    }

    private void Visit(MimeEntity entity, int depth)
    {
        if (++_visited > MaxEntities)
        {
            return;
        }

        var type = entity.ContentType;
        switch (entity)
        {
            case Multipart multipart when depth < MaxDepth:
                foreach (var child in multipart)
                {
                    Visit(child, depth + 1);
                }

                break;
            case MessageDeliveryStatus:
                DeliveryStatus ??= entity;
                break;
            case MessagePart:
                Returned ??= entity;
                break;
            case MimePart when type.MediaSubtype.EndsWith("delivery-status", StringComparison.OrdinalIgnoreCase):
                DeliveryStatus ??= entity;
                break;
            case MimePart when type.MediaSubtype.EndsWith("rfc822-headers", StringComparison.OrdinalIgnoreCase)
                || type.IsMimeType("message", "global-headers"):
                Returned ??= entity;
                break;
            case TextPart text when text.IsPlain:
                Text = Text is { IsPlain: true } ? Text : text;
                break;
            case TextPart text when text.IsHtml:
                Text ??= text;
                break;
        }
    }
}
