using MailStack.Sink.Client;
using System.Globalization;
using System.Text;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Search;

/// <summary>
/// Mailpit's search language: space-separated terms, all of which must match; quotes group words;
/// a leading <c>-</c> or <c>!</c> negates; <c>key:value</c> filters (to, from, cc, bcc, reply-to,
/// addressed, subject, message-id, tag, is:read/unread, has:attachment, before, after, larger,
/// smaller, and the extensions header:Name=value, envelope-to and mailbox); other words match sender,
/// recipients, subject, body text and attachment names. Matching is case-insensitive.
/// </summary>
public sealed class SearchQuery
{
    private readonly IReadOnlyList<Term> _terms;

    private SearchQuery(IReadOnlyList<Term> terms) => _terms = terms;

    public static SearchQuery All { get; } = new([]);

    public bool IsEmpty => _terms.Count == 0;

    /// <exception cref="FormatException">A filter whose value cannot be understood (e.g. a bad date).</exception>
    public static SearchQuery Parse(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return All;
        }

        return new SearchQuery(Tokenize(query).Select(ParseTerm).ToList());
    }

    public bool Matches(StoredMessage message) => _terms.All(t => t.Matches(message) != t.Negated);

    private static Term ParseTerm(string token)
    {
        var negated = token.Length > 1 && token[0] is '-' or '!';
        if (negated)
        {
            token = token[1..];
        }

        var colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var key = token[..colon].ToLowerInvariant();
            var value = token[(colon + 1)..];
            if (Filter(key, value) is { } filter)
            {
                return new Term(filter, negated);
            }
        }

        var word = token.ToLowerInvariant();
        return new Term(m => MatchesPlainWord(m, word), negated);
    }

    private static Func<StoredMessage, bool>? Filter(string key, string value)
    {
        var v = value.ToLowerInvariant();
        return key switch
        {
            "to" => m => AnyAddress(m.Summary.To, v),
            "from" => m => Contains(m.Summary.From, v),
            "cc" => m => AnyAddress(m.Summary.Cc, v),
            "bcc" => m => AnyAddress(m.Summary.Bcc, v),
            "reply-to" => m => AnyAddress(m.Summary.ReplyTo, v),
            "addressed" => m => AnyAddress(m.Summary.To, v) || AnyAddress(m.Summary.Cc, v) || AnyAddress(m.Summary.Bcc, v)
                || AnyAddress(m.Summary.ReplyTo, v) || Contains(m.Summary.From, v),
            "subject" => m => m.Summary.Subject.Contains(v, StringComparison.OrdinalIgnoreCase),
            "message-id" => m => string.Equals(m.Summary.MessageId.Trim('<', '>'), v.Trim('<', '>'), StringComparison.OrdinalIgnoreCase),
            "tag" => m => m.Tags.Any(t => string.Equals(t, v, StringComparison.OrdinalIgnoreCase)),
            "is" => v switch
            {
                "read" => m => m.Read,
                "unread" => m => !m.Read,
                _ => throw new FormatException($"is:{value} is not supported; use is:read or is:unread"),
            },
            "has" => v switch
            {
                "attachment" or "attachments" => m => m.Summary.AttachmentCount > 0,
                _ => throw new FormatException($"has:{value} is not supported; use has:attachment"),
            },
            "before" => ParseDate(value) is var before ? m => m.Received < before : null,
            "after" => ParseDate(value) is var after ? m => m.Received > after : null,
            "larger" => ParseSize(value) is var larger ? m => m.Raw.Length > larger : null,
            "smaller" => ParseSize(value) is var smaller ? m => m.Raw.Length < smaller : null,
            "header" => HeaderFilter(value),
            "envelope-to" => m => m.Envelope.Recipients.Any(r => r.Contains(v, StringComparison.OrdinalIgnoreCase)),
            // ext: exactly one recipient's mailbox (the UI's sidebar), where envelope-to: matches a part.
            "mailbox" => m => m.Envelope.Recipients.Any(r => string.Equals(r, v, StringComparison.OrdinalIgnoreCase)),
            _ => null,
        };
    }

    private static Func<StoredMessage, bool> HeaderFilter(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? value : value[..equals];
        var expected = equals < 0 ? null : value[(equals + 1)..];
        if (name.Length == 0)
        {
            throw new FormatException("header: needs a name, as in header:X-Mailer=value");
        }

        return m =>
        {
            var headers = m.Parse().Headers;
            return headers.Any(h => string.Equals(h.Field, name, StringComparison.OrdinalIgnoreCase)
                && (expected is null || h.Value.Trim().Contains(expected, StringComparison.OrdinalIgnoreCase)));
        };
    }

    private static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : throw new FormatException($"'{value}' is not a date (use e.g. 2024-05-01 or 2024-05-01T10:00:00Z)");

    private static long ParseSize(string value)
    {
        var text = value.Trim().ToUpperInvariant();
        var multiplier = 1L;
        if (text.EndsWith('K') || text.EndsWith("KB", StringComparison.Ordinal))
        {
            multiplier = 1024;
        }
        else if (text.EndsWith('M') || text.EndsWith("MB", StringComparison.Ordinal))
        {
            multiplier = 1024 * 1024;
        }

        var digits = text.TrimEnd('B', 'K', 'M');
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? (long)(number * multiplier)
            : throw new FormatException($"'{value}' is not a size (use e.g. 500, 10K or 2M)");
    }

    private static bool MatchesPlainWord(StoredMessage m, string word) =>
        m.Summary.Subject.Contains(word, StringComparison.OrdinalIgnoreCase)
        || Contains(m.Summary.From, word)
        || AnyAddress(m.Summary.To, word) || AnyAddress(m.Summary.Cc, word) || AnyAddress(m.Summary.Bcc, word)
        || m.SearchText.Contains(word, StringComparison.Ordinal);

    private static bool AnyAddress(IEnumerable<MailAddress> addresses, string value) => addresses.Any(a => Contains(a, value));

    private static bool Contains(MailAddress address, string value) =>
        address.Address.Contains(value, StringComparison.OrdinalIgnoreCase) || address.Name.Contains(value, StringComparison.OrdinalIgnoreCase);

    private static List<string> Tokenize(string query)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in query)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                Flush();
            }
            else
            {
                current.Append(c);
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
    }

    private sealed record Term(Func<StoredMessage, bool> Match, bool Negated)
    {
        public bool Matches(StoredMessage message) => Match(message);
    }
}
