using System.Globalization;
using System.Text;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// The ENVID (RFC 3461 §4.4) the proxy sends with MAIL FROM, and reads back from a report's
/// <c>Original-Envelope-Id</c>: <c>ms1.&lt;tenant&gt;.&lt;id&gt;</c> with every character outside
/// letters, digits, '-' and '_' written <c>~XX</c> (its UTF-8 bytes), so it is xtext as it stands.
/// </summary>
public static class BounceEnvelopeId
{
    /// <summary>RFC 3461 §4.4: an ENVID is at most 100 characters.</summary>
    public const int MaxLength = 100;

    /// <summary>The ENVID of <paramref name="key"/>, or null when it would not fit (the tracking header is the fallback then).</summary>
    public static string? Format(BouncedMessageKey key) =>
        BounceKeyText.Format(key) is { Length: <= MaxLength } envelopeId ? envelopeId : null;

    /// <summary>
    /// Reads an ENVID this proxy wrote. Accepts it xtext-encoded too (<c>+XX</c>), as a reporting
    /// MTA may quote it; anything else (another sender's ENVID, a damaged one) is false.
    /// </summary>
    public static bool TryParse(string? value, out BouncedMessageKey key)
    {
        key = default;
        if (value is null || value.Trim() is not { Length: > 0 and <= 3 * MaxLength } text)
        {
            return false;
        }

        if (text.Contains('+', StringComparison.Ordinal) && !TryDecodeXtext(text, out text))
        {
            return false;
        }

        if (!BounceKeyText.TryParse(text, out var parsed, out var rest) || rest is not null)
        {
            return false;
        }

        key = parsed;
        return true;
    }

    private static bool TryDecodeXtext(string text, out string decoded)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '+')
            {
                result.Append(text[i]);
                continue;
            }

            if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                decoded = text;
                return false;
            }

            result.Append((char)value);
            i += 2;
        }

        decoded = result.ToString();
        return true;
    }
}
