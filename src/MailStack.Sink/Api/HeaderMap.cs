using System.Text;
using MimeKit;

namespace MailStack.Sink.Api;

/// <summary>
/// Headers as Mailpit's <c>…/headers</c> shows them (Go's <c>net/mail</c> header map): canonical
/// names (<c>Message-Id</c>, <c>X-Mailer</c>), sorted, each with its raw (undecoded) values in order,
/// folded lines joined by one space.
/// </summary>
internal static class HeaderMap
{
    public static SortedDictionary<string, List<string>> Of(HeaderList headers)
    {
        var map = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var header in headers)
        {
            var name = Canonical(header.Field);
            if (!map.TryGetValue(name, out var values))
            {
                map[name] = values = [];
            }

            values.Add(Unfold(header.RawValue));
        }

        return map;
    }

    /// <summary>Go's CanonicalMIMEHeaderKey: a name with characters outside a token is left as it is.</summary>
    public static string Canonical(string name)
    {
        if (name.Length == 0 || name.Any(c => !IsTokenChar(c)))
        {
            return name;
        }

        var chars = name.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            upper = chars[i] == '-';
        }

        return new string(chars);
    }

    public static string Unfold(byte[] rawValue) =>
        string.Join(' ', Encoding.UTF8.GetString(rawValue).Split('\n').Select(l => l.Trim(' ', '\t', '\r')).Where(l => l.Length > 0));

    private static bool IsTokenChar(char c) =>
        c is > ' ' and < (char)127 && !"\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal);
}
