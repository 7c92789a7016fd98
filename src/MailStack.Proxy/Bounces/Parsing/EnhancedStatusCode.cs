using System.Globalization;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>An RFC 3463 status code <c>class.subject.detail</c>, e.g. 5.1.1.</summary>
internal readonly record struct EnhancedStatusCode(int Class, int Subject, int Detail)
{
    /// <summary>x.2.2: mailbox full, which clears by itself, so soft even when a server sends it as 5.2.2.</summary>
    public bool IsMailboxFull => Subject == 2 && Detail == 2;

    /// <summary>A failure class: 4 (transient) or 5 (permanent); 2 is success.</summary>
    public bool IsFailure => Class is 4 or 5;

    /// <summary>genro's bounce_code: the digits without the dots ("5.1.1" → "511").</summary>
    public string ToCode() => string.Create(CultureInfo.InvariantCulture, $"{Class}{Subject}{Detail}");

    /// <summary>The code at the start of a <c>Status</c> field (a comment may follow it).</summary>
    public static EnhancedStatusCode? ParseStatus(string? status)
    {
        if (status is null)
        {
            return null;
        }

        var text = status.AsSpan().Trim();
        var end = text.IndexOfAny(' ', '\t', '(');
        return Parse(end < 0 ? text : text[..end]);
    }

    /// <summary>Exactly <c>d.d{1,3}.d{1,3}</c> with class 2, 4 or 5; null otherwise.</summary>
    public static EnhancedStatusCode? Parse(ReadOnlySpan<char> text)
    {
        Span<Range> parts = stackalloc Range[4];
        if (text.Split(parts, '.') != 3)
        {
            return null;
        }

        return text[parts[0]] is [var c] && c is '2' or '4' or '5'
            && Number(text[parts[1]]) is { } subject && Number(text[parts[2]]) is { } detail
            ? new EnhancedStatusCode(c - '0', subject, detail)
            : null;
    }

    private static int? Number(ReadOnlySpan<char> digits) =>
        digits.Length is >= 1 and <= 3 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Class}.{Subject}.{Detail}");
}
