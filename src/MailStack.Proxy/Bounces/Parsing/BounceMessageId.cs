using MimeKit.Utils;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// The Message-ID the proxy makes up when the client gave none: <c>ms1.&lt;tenant&gt;.&lt;id&gt;.&lt;unique&gt;@host</c>
/// (the key written as in <see cref="BounceEnvelopeId"/>, then MimeKit's unique id), so a report that
/// returns only the Message-ID still names its message. A client's own Message-ID is never replaced.
/// </summary>
public static class BounceMessageId
{
    /// <summary>Longer ids are made up without the key (a plain MimeKit id).</summary>
    public const int MaxLength = 250;

    /// <summary>A new Message-ID (without angle brackets) carrying <paramref name="key"/>, or null when it would be longer than <see cref="MaxLength"/>.</summary>
    public static string? Format(BouncedMessageKey key, string hostName) =>
        BounceKeyText.Format(key) is { } text && $"{text}.{MimeUtils.GenerateMessageId(hostName)}" is { Length: <= MaxLength } messageId
            ? messageId
            : null;

    /// <summary>Reads the key from a Message-ID (with or without angle brackets) that <see cref="Format"/> made; false for any other.</summary>
    public static bool TryParse(string? messageId, out BouncedMessageKey key)
    {
        key = default;
        if (messageId is null)
        {
            return false;
        }

        var text = messageId.AsSpan().Trim();
        if (text is ['<', .., '>'])
        {
            text = text[1..^1];
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || text.Length > MaxLength)
        {
            return false;
        }

        if (!BounceKeyText.TryParse(text[..at], out var parsed, out var unique) || string.IsNullOrEmpty(unique))
        {
            return false;
        }

        key = parsed;
        return true;
    }
}
