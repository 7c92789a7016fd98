using System.Text;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// Writes a <see cref="BouncedMessageKey"/> as <c>ms1.&lt;tenant&gt;.&lt;id&gt;</c> in characters that are
/// both plain RFC 3461 xtext and RFC 5322 atext: letters, digits, '-' and '_' stay, every other UTF-8
/// byte becomes <c>~XX</c>. So the ENVID needs no xtext escapes and the same text fits a Message-ID.
/// </summary>
internal static class BounceKeyText
{
    public const string Prefix = "ms1.";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary><c>ms1.&lt;tenant&gt;.&lt;id&gt;</c>, or null when a part is empty or not valid Unicode.</summary>
    public static string? Format(BouncedMessageKey key)
    {
        if (Escape(key.TenantId) is not { } tenant || Escape(key.MessageId) is not { } id)
        {
            return null;
        }

        return $"{Prefix}{tenant}.{id}";
    }

    /// <summary>
    /// Reads <c>ms1.&lt;tenant&gt;.&lt;id&gt;</c> at the start of <paramref name="text"/>; what follows a further
    /// '.' is <paramref name="rest"/> (null when nothing does).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out BouncedMessageKey key, out string? rest)
    {
        key = default;
        rest = null;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        text = text[Prefix.Length..];
        var dot = text.IndexOf('.');
        if (dot < 0 || Unescape(text[..dot]) is not { } tenant)
        {
            return false;
        }

        text = text[(dot + 1)..];
        dot = text.IndexOf('.');
        if (Unescape(dot < 0 ? text : text[..dot]) is not { } id)
        {
            return false;
        }

        rest = dot < 0 ? null : text[(dot + 1)..].ToString();
        key = new BouncedMessageKey(tenant, id);
        return true;
    }

    private static string? Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException)
        {
            return null; // a lone surrogate has no UTF-8 form to carry
        }

        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (IsPlain(b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static string? Unescape(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '~')
            {
                if (i + 2 >= text.Length)
                {
                    return null;
                }

                if (!byte.TryParse(text.Slice(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var escaped)
                    || IsPlain(escaped))
                {
                    return null; // not how Escape writes it: someone else's text
                }

                bytes.Add(escaped);
                i += 2;
            }
            else if (c < 128 && IsPlain((byte)c))
            {
                bytes.Add((byte)c);
            }
            else
            {
                return null;
            }
        }

        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsPlain(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_';
}
