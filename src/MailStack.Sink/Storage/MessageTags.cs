using System.Text.RegularExpressions;
using MailStack.Sink.Client;
using MimeKit;

namespace MailStack.Sink.Storage;

/// <summary>
/// Mailpit's tag rules: a tag is cleaned (characters outside <c>[a-zA-Z0-9- _.@]</c> become spaces,
/// runs of spaces collapse, 100 characters at most), compared case-insensitively and listed in
/// case-insensitive order. At ingestion a message is tagged from its <c>X-Tags</c> header
/// (comma-separated) and from plus-addresses (<c>user+tag@…</c> in From, To, Cc or Bcc).
/// </summary>
public static partial class MessageTags
{
    public const string Header = "X-Tags";

    private const int MaxLength = 100;

    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>The cleaned tag, or null when nothing valid is left.</summary>
    public static string? Clean(string tag)
    {
        var cleaned = Spaces().Replace(InvalidCharacters().Replace(tag, " "), " ").Trim();
        if (cleaned.Length > MaxLength)
        {
            cleaned = cleaned[..MaxLength].TrimEnd();
        }

        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>Cleaned, without case-insensitive duplicates (the first spelling wins), sorted.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> tags)
    {
        var unique = new List<string>();
        foreach (var tag in tags)
        {
            if (Clean(tag) is { } clean && !unique.Contains(clean, Comparer))
            {
                unique.Add(clean);
            }
        }

        unique.Sort(Comparer);
        return unique;
    }

    /// <summary>The tags Mailpit gives a message at ingestion.</summary>
    public static IReadOnlyList<string> OnArrival(MimeMessage message, MailAddress from, IEnumerable<MailAddress> recipients)
    {
        var tags = new List<string>();
        if (message.Headers[Header] is { } header)
        {
            tags.AddRange(header.Trim().Split(','));
        }

        foreach (var address in recipients.Append(from))
        {
            tags.AddRange(PlusTags(address.Address));
        }

        return Normalize(tags);
    }

    /// <summary><c>user+a+b@example.test</c> → a, b.</summary>
    private static IEnumerable<string> PlusTags(string address)
    {
        var plus = address.IndexOf('+', StringComparison.Ordinal);
        var at = plus < 0 ? -1 : address.IndexOf('@', plus);
        return at < 0 ? [] : address[(plus + 1)..at].Split('+');
    }

    [GeneratedRegex(@"[^a-zA-Z0-9\- _.@]")]
    private static partial Regex InvalidCharacters();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
